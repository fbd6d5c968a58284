/**
 * HELLO replay (S1, S2, S9). A passive tap on the client's switch port records the client's side of
 * a legitimate handshake with the server (every frame on stream 0 before its first stream frame:
 * the HELLO in v1). The attacker, who has no key, later opens its own TCP connections and sends
 * those bytes again:
 *   - to the same server soon after (inside any replay window),
 *   - to another server with the same key,
 *   - to the same server once the server's replay window has passed.
 * Whenever a server answers with ACCEPT, the attacker pushes a stream of forged bytes.
 *
 * Observed per replay: did the server answer ACCEPT, did it establish the session (peer-up for the
 * attacker's address), and how many forged bytes it delivered to its application (streams whose
 * SHA-256 is the forged bytes'). Verdicts: S2 HOLDS when no replay established a session, FAILS when
 * all did, PARTIAL in between; S1 FAILS when a replay let the keyless attacker deliver data; S9 (its
 * replay half: a short window makes replay infeasible) is decided by the replay after the window.
 */
import { z } from 'zod';
import { FrameType } from '../../src/wire/frame.ts';
import { describeFrame } from './adversary/excerpt.ts';
import { FrameSniffer, frameBytes, handshakeFrames } from './adversary/frame-sniffer.ts';
import { Replayer, type ReplaySession } from './adversary/replayer.ts';
import { addTap } from './adversary/taps.ts';
import { closeReasonsText } from './support/close-reasons.ts';
import { ATTACKER_ADDRESS, PORT, buildStage, forgedBytes, forgedStream } from './support/stage.ts';
import { defineAttack, type SimulatedAttackOutcome, type ObservedVerdict, type TraceExcerptEntry } from './types.ts';
import type { AsocProfile } from '../../src/core/profile.ts';

const params = z.strictObject({
  /** When the replay to the same server goes out (virtual ms). */
  soonAtMs: z.number().positive().default(2_000),
  /** When the replay to the other server goes out. */
  otherServerAtMs: z.number().positive().default(3_000),
  /** When the replay to the same server goes out again, meant to be past its replay window. */
  lateAtMs: z.number().positive().max(600_000).default(130_000),
  /** Size of the legitimate stream the client sends, and of the attacker's forged one. */
  legitBytes: z.number().int().positive().max(4 * 2 ** 20).default(64 * 1024),
  forgedBytes: z.number().int().positive().max(4 * 2 ** 20).default(16 * 1024),
});

type Params = z.output<typeof params>;

interface ReplayRecord {
  label: string;
  target: string;
  at: number;
  session: ReplaySession;
  /** This replay's forged bytes (each replay forges its own, so a delivered stream names its replay). */
  forged: { bytes: Uint8Array; sha256: string };
  accepted: boolean;
  established: boolean;
  authFailure: string | null;
  forgedBytesDelivered: number;
  /** Why the target closed connections while this replay was the latest to it ("none" when it closed none). */
  serverCloses: string;
}

export default defineAttack({
  description: 'a keyless attacker replays a captured HELLO (soon, to another server, after the replay window) and pushes forged data if accepted',
  params,
  run({ profile, seed, params: p }) {
    const stage = buildStage({ seed, profile, nodes: 3 });
    const { cluster, server, client, excerpt } = stage;
    const other = cluster.nodes[2]!;
    const { sim } = cluster;

    // The client's first connection to the server, read off its switch port.
    const sniffer = new FrameSniffer((packet) => packet.src === client.host.address && packet.dst === server.host.address && packet.dstPort === PORT);
    addTap(stage.portOf(client).uplink, sniffer.tap);
    sniffer.parser.onFrame = (frame) => {
      if (frame.header.streamId === 0) excerpt.add(sim.scheduler.now, 'n1->switch', 'tap', `captured ${describeFrame(frame.header)}`);
    };
    client.on('peer-up', (peer) => client.send(peer.key, p.legitBytes, { confirm: false }));

    const replayer = new Replayer(stage.attacker);
    const closesSince = new Map<ReplayRecord, Partial<Record<string, number>>>();
    const replays: ReplayRecord[] = [];
    // A server's events are matched to the replay session they belong to: by the attacker's port
    // (each replay has its own connection), and delivered forged bytes by their SHA-256.
    const sessionFrom = (name: string, address: string, port: number) =>
      address === ATTACKER_ADDRESS ? replays.find((r) => r.target === name && r.session.connection.socket.localPort === port) : undefined;
    for (const [name, node] of [
      ['n0', server],
      ['n2', other],
    ] as const) {
      node.on('peer-up', (peer) => {
        const record = sessionFrom(name, peer.address, peer.port);
        if (record === undefined) return;
        record.established = true;
        excerpt.add(sim.scheduler.now, name, 'peer-up', `session established with ${peer.address} (${record.label}); the server believes it is node ${peer.nodeId?.slice(0, 8)}…`);
      });
      node.on('stream-end', (end) => {
        const record = replays.find((r) => r.target === name && r.forged.sha256 === end.sha256);
        if (record !== undefined) record.forgedBytesDelivered += end.bytes;
      });
      node.on('auth-failed', (failure) => {
        const record = sessionFrom(name, failure.address, failure.port);
        if (record === undefined) return;
        record.authFailure = failure.reason;
        excerpt.add(sim.scheduler.now, name, 'auth-failed', `${record.label}: ${failure.reason}; connection closed`);
      });
    }

    const replay = (label: string, target: typeof server, targetName: string, at: number) =>
      sim.scheduler.at(at, () => {
        const captured = handshakeFrames(sniffer.parser.frames);
        if (captured.length === 0) throw new Error('hello-replay: no handshake was captured (a lab bug)');
        const session = replayer.replay(label, target.host.addressText, PORT, captured.map(frameBytes));
        const forged = forgedBytes(p.forgedBytes, `(${label}) `);
        const record: ReplayRecord = { label, target: targetName, at, session, forged, accepted: false, established: false, authFailure: null, forgedBytesDelivered: 0, serverCloses: 'none' };
        closesSince.set(record, { ...target.counters().connectionsClosed });
        replays.push(record);
        excerpt.add(at, 'attacker', 'replay', `${label}: ${captured.map((f) => describeFrame(f.header)).join(' + ')} to ${targetName}`);
        session.onFrame = (frame) => {
          excerpt.add(sim.scheduler.now, 'attacker', 'answer', `${label}: ${targetName} sent ${describeFrame(frame.header)}`);
          if (frame.header.type !== FrameType.ACCEPT || record.accepted) return;
          record.accepted = true;
          session.send(forgedStream(profile, 1, forged.bytes));
          excerpt.add(sim.scheduler.now, 'attacker', 'inject', `${label}: forged stream 1, ${forged.bytes.length} bytes, after the ACCEPT`);
        };
      });
    replay('replay soon', server, 'n0', p.soonAtMs);
    replay('replay to another server', other, 'n2', p.otherServerAtMs);
    replay('replay after the window', server, 'n0', p.lateAtMs);

    stage.start();
    sim.scheduler.runUntilTime(p.lateAtMs + 5_000);

    // Each replay's server closes: the target's close counters from its start to the next replay to it (or the end).
    for (const [i, record] of replays.entries()) {
      const target = record.target === 'n0' ? server : other;
      const next = replays.slice(i + 1).find((r) => r.target === record.target);
      const until = next ? closesSince.get(next)! : target.counters().connectionsClosed;
      const from = closesSince.get(record)!;
      record.serverCloses = closeReasonsText(until, from);
    }
    const legitDelivered = stage.delivered.filter((d) => d.node === 'n0' && d.bytes === p.legitBytes).length;
    if (legitDelivered === 0) throw new Error('hello-replay: the legitimate stream was not delivered (the control failed)');
    return outcome(replays, p, profile, sim.trace.digest(), excerpt.entries);
  },
});

/** What stands between a recorded HELLO and a later session, in the profile's terms. */
function replayDefence(profile: AsocProfile): { text: string; windowMs: number } {
  const window = profile.helloReplay;
  const windowMs = window?.kind === 'window' ? window.windowMs : 0;
  const remembered = window?.kind === 'window' ? `HELLO ${profile.security.kind === 'v1' ? 'challenges' : 'nonces'} are remembered for ${windowMs / 1000} s` : 'the server keeps no record of HELLO challenges';
  const timestamp = profile.security.kind === 'v1' ? 'the HELLO carries no timestamp' : `the HELLO's timestamp must be within ±${profile.security.freshnessMs / 1000} s`;
  return { text: `${remembered} and ${timestamp}`, windowMs };
}

function outcome(replays: ReplayRecord[], p: Params, profile: AsocProfile, traceHash: string, trace: TraceExcerptEntry[]): SimulatedAttackOutcome {
  const byLabel = (label: string) => replays.find((r) => r.label === label)!;
  const established = replays.filter((r) => r.established);
  const forgedDelivered = replays.reduce((sum, r) => sum + r.forgedBytesDelivered, 0);
  const describe = (r: ReplayRecord) =>
    `${r.label} (${r.target} at ${r.at / 1000} s): ${r.established ? 'ACCEPT, session established' : r.accepted ? `ACCEPT but no session (server closes: ${r.serverCloses})` : `refused (${r.authFailure ?? `connection ${r.session.closeReason ?? 'left open'}`})`}, ${r.forgedBytesDelivered} forged bytes delivered`;
  const details = replays.map(describe).join('; ');
  const { text: windowText, windowMs } = replayDefence(profile);

  const s2: ObservedVerdict = established.length === 0 ? 'HOLDS' : established.length === replays.length ? 'FAILS' : 'PARTIAL';
  const s1: ObservedVerdict = forgedDelivered > 0 ? 'FAILS' : established.length > 0 ? 'PARTIAL' : 'HOLDS';
  const late = byLabel('replay after the window');
  const s9: ObservedVerdict = late.established ? 'FAILS' : 'HOLDS';
  const counts: Record<string, number> = { replays: replays.length, answeredWithAccept: replays.filter((r) => r.accepted).length, sessionsEstablished: established.length, forgedBytesDelivered: forgedDelivered };
  for (const r of replays) {
    const key = r.label.replace(/\s+(\w)/g, (_, c: string) => c.toUpperCase());
    counts[`${key}Established`] = r.established ? 1 : 0;
    counts[`${key}ForgedBytesDelivered`] = r.forgedBytesDelivered;
  }
  return {
    observations: [
      { claim: 'S1', verdict: s1, evidence: `Without the key, by replaying a captured HELLO the attacker ${forgedDelivered > 0 ? `joined and had ${forgedDelivered} forged bytes delivered to the application` : established.length > 0 ? 'got sessions but delivered nothing' : 'never joined'}. ${details}.` },
      { claim: 'S2', verdict: s2, evidence: `${established.length} of ${replays.length} replays established a session: ${details}.` },
      {
        claim: 'S9',
        verdict: s9,
        evidence: `${windowText}; replayed ${late.at / 1000} s into the run, the captured HELLO was ${late.established ? 'accepted again' : 'refused'} (${describe(late)}).`,
      },
    ],
    counts,
    figures: { soonAtMs: p.soonAtMs, otherServerAtMs: p.otherServerAtMs, lateAtMs: p.lateAtMs, helloReplayWindowMs: windowMs },
    trace,
    traceHash,
  };
}
