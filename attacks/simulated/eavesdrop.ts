/**
 * Eavesdropping (S4). A passive tap on the client's switch port copies every segment the client
 * sends to the server; the frame sniffer puts them back in byte order and parses them as ASoc frames,
 * and the DATA payloads of each stream are hashed. The client sends one tensor.
 *
 * Observed: whether a stream the eavesdropper reassembled has the SHA-256 of the tensor sent. S4
 * says two things: without a confidentiality layer an eavesdropper reads tensors, and a wrapper
 * fixes it. So for a profile without encryption the claim HOLDS when the tensor was recovered; for
 * one with encryption it HOLDS when it was not.
 */
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../src/core/connection.ts';
import { FrameType } from '../../src/wire/frame.ts';
import { generatedStreamSha256 } from '../../sim/asoc/byte-source.ts';
import { describeFrame } from '../../src/wire/frame.ts';
import { FrameSniffer } from './adversary/frame-sniffer.ts';
import { addTap } from './adversary/taps.ts';
import { encryptsFrames } from './support/profile-kind.ts';
import { PORT, buildStage } from './support/stage.ts';
import { defineAttack } from './types.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';

const params = z.strictObject({
  tensorBytes: z.number().int().positive().max(8 * 2 ** 20).default(2 * 2 ** 20),
});

export default defineAttack({
  description: 'a passive tap reassembles the client → server TCP payload and tries to recover the tensor sent',
  params,
  run({ profile, seed, params: p }) {
    const stage = buildStage({ seed, profile });
    const { cluster, server, client, excerpt } = stage;
    const { sim } = cluster;
    const sniffer = new FrameSniffer((packet) => packet.src === client.host.address && packet.dst === server.host.address && packet.dstPort === PORT);
    addTap(stage.portOf(client).uplink, sniffer.tap);
    sniffer.parser.onFrame = (frame) => {
      if (frame.header.streamId !== 0 && frame.header.seq > 0 && frame.header.type !== FrameType.END) return; // the first frame of each stream, and its END
      excerpt.add(sim.scheduler.now, 'n1->switch', 'tap', `read ${describeFrame(frame.header)} at byte ${frame.offset} of the client's TCP stream`);
    };
    client.on('peer-up', (peer) => client.transfer(peer.key, p.tensorBytes, { confirm: false }));
    stage.start();
    sim.scheduler.runUntilTime(5_000);

    const tensorSha = generatedStreamSha256(p.tensorBytes, DEFAULT_LIMITS.chunkSize);
    const streams = sniffer.parser.streams();
    const recovered = streams.filter((s) => s.sha256 === tensorSha);
    const delivered = stage.delivered.filter((d) => d.node === 'n0' && d.sha256 === tensorSha).length;
    if (delivered === 0) throw new Error('eavesdrop: the tensor was not delivered to the server (the control failed)');
    const counts = {
      tcpBytesReassembled: sniffer.reassembler.length,
      framesParsed: sniffer.parser.frames.length,
      streamsSeen: streams.length,
      payloadBytesSeen: streams.reduce((sum, s) => sum + s.bytes, 0),
      tensorsRecovered: recovered.length,
      tensorsDeliveredToServer: delivered,
      parseErrors: sniffer.parser.parseError === null ? 0 : 1,
    };
    const read =
      recovered.length > 0
        ? `The eavesdropper reassembled ${counts.tcpBytesReassembled} TCP bytes into ${counts.framesParsed} frames and recovered the ${p.tensorBytes}-byte tensor whole (SHA-256 ${tensorSha.slice(0, 16)}… equals the one sent)`
        : `The eavesdropper reassembled ${counts.tcpBytesReassembled} TCP bytes (${counts.framesParsed} frames parsed${sniffer.parser.parseError ? `, then ${sniffer.parser.parseError.message}` : ''}) and recovered nothing: no stream has the tensor's SHA-256`;
    const encrypted = encryptsFrames(profile);
    const holds = encrypted ? recovered.length === 0 : recovered.length > 0;
    const verdict: DecidedVerdict = holds ? 'HOLDS' : 'FAILS';
    const meaning = encrypted
      ? holds ? 'payload encryption gives the confidentiality a TLS wrapper would (the "wrapper fixes it" part).' : 'yet this profile claims to encrypt.'
      : holds ? 'as S4 states, payloads travel in clear (no confidentiality).' : 'yet this profile sends payloads in clear.';
    return {
      observations: [{ claim: 'S4', verdict, evidence: `${read}; ${meaning}` }],
      counts,
      figures: { tensorBytes: p.tensorBytes },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});
