/**
 * Forward secrecy (H10). A passive tap records both directions of one session in which the client
 * sends a tensor, encrypted. Later the attacker steals the API key (from a node's disk, say) and
 * tries to open the recording: it builds a server of its own with the stolen key and the recorded
 * server's node id, has it draw the recorded ACCEPT's nonce where the real server drew its own, sets
 * its clock to the recorded HELLO's, and feeds it the client's recorded bytes. With pre-shared-key
 * sessions that server computes the very ACCEPT the real one sent, the same session keys, and
 * decrypts the tensor. In the forward-secret suite the real server's ephemeral X25519 secret was never
 * kept; the attacker's server can only draw another, so its keys differ and the recorded FINISH
 * does not verify.
 *
 * Observed: whether the attacker's server delivered the tensor (its SHA-256) from the recording.
 * HOLDS when it did not. Runs on profiles whose frames are encrypted (without encryption the tensor
 * is read off the wire, which S4 covers).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_LIMITS, AsocConnection } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import type { RandomSource } from '../../src/core/random.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { bytesToHex, concatBytes, view } from '../../src/wire/bytes.ts';
import { HEADER_SIZE } from '../../src/wire/frame.ts';
import { NONCE_SIZE } from '../../src/wire/hardened.ts';
import { NODE_ID_SIZE } from '../../src/wire/hello.ts';
import { generatedStreamSha256 } from '../../sim/asoc/byte-source.ts';
import { CLUSTER_API_KEY } from '../../sim/asoc/cluster.ts';
import type { Tap } from '../../sim/channel.ts';
import type { Packet } from '../../sim/packet.ts';
import { SimRandom } from '../../sim/random.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';
import { TcpReassembler } from './adversary/frame-sniffer.ts';
import { FlowWatch } from './adversary/flow.ts';
import { addTap } from './adversary/taps.ts';
import { encryptsFrames } from './support/profile-kind.ts';
import { PORT, buildStage } from './support/stage.ts';
import { defineAttack } from './types.ts';

const params = z.strictObject({
  tensorBytes: z.number().int().positive().max(8 * 2 ** 20).default(2 * 2 ** 20),
});

/** The in-order bytes of one direction of a TCP connection, kept whole. */
function recordDirection(pick: (packet: Packet) => boolean): { tap: Tap; bytes(): Uint8Array } {
  const watch = new FlowWatch(pick);
  const pieces: Uint8Array[] = [];
  const reassembler = new TcpReassembler((bytes) => pieces.push(bytes.slice()));
  return {
    tap: (packet) => {
      if (watch.matches(packet)) reassembler.segment(packet);
      return packet;
    },
    bytes: () => concatBytes(...pieces),
  };
}

/** The attacker's random source: the recorded nonce for the server's 16-byte draw; anything else is its own guess. */
function replaying(nonce: Uint8Array, seed: number): RandomSource {
  const own = new SimRandom(`recorded-session-key-theft:${seed}`);
  let nonceGiven = false;
  return {
    u32: () => own.u32(),
    bytes(n) {
      if (n === NONCE_SIZE && !nonceGiven) {
        nonceGiven = true;
        return nonce.slice();
      }
      return own.bytes(n);
    },
  };
}

export default defineAttack({
  description: 'a recorded session, then the API key stolen: can the recording be decrypted?',
  params,
  run({ profile, seed, params: p }) {
    if (!encryptsFrames(profile)) throw new RangeError(`recorded-session-key-theft needs a profile that encrypts frames; ${profile.name} sends them in clear (see S4)`);
    const stage = buildStage({ seed, profile });
    const { cluster, server, client, excerpt } = stage;
    const { sim } = cluster;
    const fromClient = recordDirection((packet) => packet.src === client.host.address && packet.dst === server.host.address && packet.dstPort === PORT);
    const fromServer = recordDirection((packet) => packet.src === server.host.address && packet.dst === client.host.address && packet.srcPort === PORT);
    addTap(stage.portOf(client).uplink, fromClient.tap);
    addTap(stage.portOf(server).uplink, fromServer.tap);
    client.on('peer-up', (peer) => client.transfer(peer.key, p.tensorBytes, { confirm: false }));
    stage.start();
    sim.scheduler.runUntilTime(5_000);

    const tensorSha = generatedStreamSha256(p.tensorBytes, DEFAULT_LIMITS.chunkSize);
    if (!stage.delivered.some((d) => d.node === 'n0' && d.sha256 === tensorSha)) throw new Error('recorded-session-key-theft: the tensor was not delivered to the server (the control failed)');
    const clientBytes = fromClient.bytes();
    const serverBytes = fromServer.bytes();
    // What the recording says in clear: the HELLO's timestamp, the ACCEPT's node id and nonce.
    const helloSentAtS = view(clientBytes).getUint32(HEADER_SIZE + NODE_ID_SIZE + NONCE_SIZE);
    const acceptPayload = serverBytes.subarray(HEADER_SIZE);
    const serverNodeId = acceptPayload.slice(0, NODE_ID_SIZE);
    const acceptNonce = acceptPayload.slice(NODE_ID_SIZE, NODE_ID_SIZE + NONCE_SIZE);
    excerpt.add(sim.scheduler.now, 'attacker', 'recorded', `${clientBytes.length} bytes from the client, ${serverBytes.length} from the server; HELLO sent at ${helloSentAtS} s, ACCEPT from node ${bytesToHex(serverNodeId)}`);

    // Later, with the stolen key: a server of the attacker's own, fed the recording.
    const impostor = new AsocConnection({
      profile,
      crypto: nodeBackend,
      role: 'server',
      nodeId: serverNodeId,
      apiKey: CLUSTER_API_KEY,
      random: replaying(acceptNonce, seed),
      now: 0,
      unixOffsetMs: helloSentAtS * 1000,
      helloReplay: profile.helloReplay ? new ReplayCache(profile.helloReplay) : undefined,
    });
    impostor.receive(clientBytes, 0);
    const answer = concatBytes(...(impostor.pollTransmit() ?? []));
    const events: ConnectionEvent[] = [];
    for (let e = impostor.pollEvent(); e !== null; e = impostor.pollEvent()) events.push(e);
    const sameAccept = answer.length > 0 && bytesToHex(answer) === bytesToHex(serverBytes.subarray(0, answer.length));
    const hash = createHash('sha256');
    let decrypted = 0;
    for (const e of events) {
      if (e.type !== 'stream-data') continue;
      hash.update(e.data);
      decrypted += e.data.length;
    }
    const recovered = decrypted === p.tensorBytes && hash.digest('hex') === tensorSha;
    const closed = events.find((e) => e.type === 'closed');
    excerpt.add(0, 'attacker', 'replay', `its own server ${sameAccept ? 'answered with the recorded ACCEPT byte for byte' : 'answered with another ACCEPT than the recorded one'}; ${decrypted} bytes decrypted${closed?.type === 'closed' ? `; closed: ${closed.reason}` : ''}`);

    const verdict: DecidedVerdict = recovered ? 'FAILS' : 'HOLDS';
    const evidence = recovered
      ? `With the API key stolen after the session, the attacker's own server, drawing the recorded ACCEPT's nonce, answered the recorded HELLO with the recorded ACCEPT byte for byte, derived the session's keys and decrypted the whole ${p.tensorBytes}-byte tensor (SHA-256 ${tensorSha.slice(0, 16)}… equals the one sent): the session keys come from the API key and public values alone, so no recorded session outlives the key's secrecy.`
      : `With the API key stolen after the session, the attacker's own server ${sameAccept ? 'answered with the recorded ACCEPT' : 'answered the recorded HELLO with another ACCEPT than the recorded one (the real server\'s ephemeral X25519 secret was never kept)'}, ${closed?.type === 'closed' ? `closed on the recorded client bytes (${closed.reason})` : 'never established'}, and decrypted ${decrypted} of the tensor's ${p.tensorBytes} bytes: the recording stays closed to the key.`;
    return {
      observations: [{ claim: 'H10', verdict, evidence }],
      counts: { clientBytesRecorded: clientBytes.length, serverBytesRecorded: serverBytes.length, bytesDecrypted: decrypted, acceptReproduced: sameAccept ? 1 : 0 },
      figures: { tensorBytes: p.tensorBytes },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});
