/**
 * The STT claims that need STT over UDP, decided on the simulator (scenarios/stream-isolation.ts):
 * T2, head-of-line isolation between the streams of one session when one of them loses datagrams,
 * and T4, custom frames dispatched to their handlers (in memory, stt-claims.ts) and segments that
 * arrive out of order reassembled. Deterministic: the same seed gives the same verdicts and figures.
 */
import { ISOLATION_DEFAULTS, measureStreamIsolation, type IsolationMeasurement, type StreamOutcome } from '../../scenarios/stream-isolation.ts';
import { runIsolationOverTcp, type TcpIsolationRun } from '../../scenarios/stream-isolation-tcp.ts';
import { customFrameDispatch } from './stt-claims.ts';
import type { ClaimDecision } from './instrument.ts';
import type { ClaimResult } from './verdict.ts';

/**
 * The clean stream's worst latency under the other's loss may exceed its worst without loss by this
 * much: the lossy stream's retransmissions share the link, and one 1200-byte datagram ahead of it
 * at 100 Mbit/s is 0.1 ms. A wait for a retransmission is an RTO (tens of ms) or more.
 */
export const ISOLATION_TOLERANCE_MS = 0.5;

type Streams = { streams: readonly StreamOutcome[] };
const clean = (run: Streams): StreamOutcome => run.streams.find((s) => !s.lossy)!;
const lossy = (run: Streams): StreamOutcome => run.streams.find((s) => s.lossy)!;
const ms = (value: number | undefined): string => (value === undefined ? '—' : `${value.toFixed(2)} ms`);

/** The stt-udp step's runs: the isolation measurement, and the same writes over TCP for contrast. */
export type SttUdpEvidence = IsolationMeasurement & { overTcp?: TcpIsolationRun };

/** The same writes over TCP, in a sentence (evidence beside the rule, not part of it). */
function tcpContrast(tcp: TcpIsolationRun | undefined): string {
  if (!tcp) return '';
  const worst = tcp.streams.map((s) => ms(s.latencyMs?.max)).join(' and ');
  return ` For contrast, the same writes on one TCP connection losing ${tcp.linkLoss * 100} % of the client's packets (${tcp.packetsLost} lost, whichever stream they carried): both streams' worst latencies were ${worst} (p50 ${ms(clean(tcp).latencyMs?.p50)} for the clean one), as each waits for every earlier lost segment.`;
}

export function decideT2(measured: SttUdpEvidence): ClaimResult {
  const { baseline, lossy: run } = measured;
  const complete = [baseline, run].every((r) => r.established && r.streams.every((s) => s.intact));
  const lossHappened = lossy(run).datagramsDropped > 0 && run.retransmissions > 0;
  const cleanMax = clean(run).latencyMs?.max ?? Infinity;
  const baselineMax = clean(baseline).latencyMs?.max ?? Infinity;
  const isolated = cleanMax <= baselineMax + ISOLATION_TOLERANCE_MS;
  const lossyWaited = (lossy(run).latencyMs?.max ?? 0) > cleanMax;
  const holds = complete && lossHappened && isolated && lossyWaited;
  const o = run.options;
  return {
    id: 'T2',
    verdict: holds ? 'HOLDS' : 'FAILS',
    summary: `Over simulated UDP (${o.latencyMs} ms one way, ${o.bandwidthBps / 1e6} Mbit/s), two streams of one stt session each carried ${o.writes} writes of ${o.writeBytes} bytes every ${o.intervalMs} ms; ${lossy(run).datagramsDropped} of one stream's datagrams were lost (${o.loss * 100} %) and ${run.retransmissions} retransmitted. That stream's worst write latency was ${ms(lossy(run).latencyMs?.max)} (p99 ${ms(lossy(run).latencyMs?.p99)}); the other stream's was ${ms(cleanMax)}, against ${ms(baselineMax)} in the same run without loss (tolerance ${ISOLATION_TOLERANCE_MS} ms): ${isolated ? 'no wait for the lossy stream' : 'it WAITED for the lossy stream'}. Both streams ${complete ? 'arrived whole and in order' : 'did NOT both arrive whole'} (SHA-256), in both runs. Stream ids travel as varints in every datagram; inside the encrypted frame the lab's header keeps its u32 (docs/stt.md §6).${tcpContrast(measured.overTcp)}`,
    evidence: { rule: `clean stream's worst latency under loss ≤ its worst without loss + ${ISOLATION_TOLERANCE_MS} ms; both streams intact; losses and retransmissions happened; the lossy stream waited longer`, baseline, lossy: run, overTcp: measured.overTcp ?? null },
  };
}

export function decideT4(measured: IsolationMeasurement): ClaimResult {
  const dispatch = customFrameDispatch();
  const run = measured.reordered;
  const reassembled = run.established && run.segmentsOutOfOrder > 0 && run.streams.every((s) => s.intact);
  const parts = [dispatch.dispatched && dispatch.reservedTypeRefused, reassembled];
  const verdict = parts.every(Boolean) ? 'HOLDS' : parts.some(Boolean) ? 'PARTIAL' : 'FAILS';
  return {
    id: 'T4',
    verdict,
    summary: `Custom frames of types ${dispatch.sentTypes.map((t) => `0x${t.toString(16)}`).join(', ')} sent over an stt session ${dispatch.dispatched ? 'reached' : 'did NOT reach'} the handlers registered for them, and a handler for 0x7f was ${dispatch.reservedTypeRefused ? '' : 'NOT '}refused. Over simulated UDP that reorders ${(run.options.reorder ?? 0) * 100} % and duplicates ${(run.options.duplicate ?? 0) * 100} % of datagrams, ${run.segmentsOutOfOrder} segments arrived before an earlier one of their stream and ${run.duplicateSegments} twice; writes of ${run.options.writeBytes} bytes (several segments each) on two streams ${run.streams.every((s) => s.intact) ? 'all arrived whole and in order' : 'did NOT all arrive whole'} (SHA-256).`,
    evidence: { ...dispatch, reassembly: run },
  };
}

/** How the stt-udp step decides T2 and T4, and what that reaches (instruments.ts). */
export const STT_UDP_DECISIONS: Readonly<Record<string, ClaimDecision>> = {
  T2: {
    by: 'stt over simulated UDP, one stream losing 5 % of its datagrams beside another',
    reach: {
      measures: 'Per write, the delivery latency of a stream whose datagrams are lost and of one whose are not, in one session, against the same run without loss; every byte of both checked by SHA-256; the stream ids on the wire as varints.',
      doesNotMeasure: 'node:dgram on a real network; congestion (the transport has none, and the paced writes stay far below the link rate); loss of acknowledgements; the varint ids inside the encrypted frame, whose header keeps the lab\'s u32.',
    },
  },
  T4: {
    by: 'the stt core and FrameDispatcher in memory, then stt over simulated UDP that reorders and duplicates datagrams',
    reach: {
      measures: 'Custom frames of types across 0x80–0xFF handed to their handlers, a handler for a reserved type refused; frames cut into several segments reassembled in order when their segments arrive out of order or twice.',
      doesNotMeasure: 'Custom frames over UDP (the dispatch half runs in memory); STT\'s own BinaryStreamDecoder API, whose role the datagram receiver plays.',
    },
  },
};

export function decideSttUdpClaims(): { claims: ClaimResult[]; measured: Required<SttUdpEvidence> } {
  const measured: Required<SttUdpEvidence> = { ...measureStreamIsolation(ISOLATION_DEFAULTS), overTcp: runIsolationOverTcp(ISOLATION_DEFAULTS) };
  return { claims: [decideT2(measured), decideT4(measured)], measured };
}
