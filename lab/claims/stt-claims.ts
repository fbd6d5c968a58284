/**
 * The STT claims the stt profile's core decides in memory (no network), with the real connection
 * machines of both sides: T1 (the handshake, the session id, every frame encrypted) and T3 (key
 * rotation by each threshold while streams run), and T4's dispatch half, which stt-udp-claims.ts
 * puts beside the reassembly it sees over simulated UDP. Deterministic.
 */
import { FrameDispatcher } from '../../src/core/frame-dispatcher.ts';
import { STT, type AsocProfile } from '../../src/core/profile.ts';
import { STT_TAG_SIZE, sttSessionId, type SttSecurity } from '../../src/core/stt-handshake.ts';
import type { RotationThresholds } from '../../src/core/stt-protection.ts';
import { bytesToHex, concatBytes } from '../../src/wire/bytes.ts';
import { FrameType } from '../../src/wire/frame.ts';
import { SttFrame, decodeHello, decodeResponse } from '../../src/wire/stt.ts';
import { countingRandom } from './codec-claims.ts';
import { RecordedPair } from './recorded-pair.ts';
import type { ClaimDecision } from './instrument.ts';
import type { ClaimResult } from './verdict.ts';

/** HELLO, RESPONSE, AUTH_PROOF or FINAL. */
function messageName(type: number): string {
  return Object.entries(SttFrame).find(([, value]) => value === type)?.[0] ?? `type ${type}`;
}

const withRotation = (rotation: RotationThresholds): AsocProfile => ({ ...STT, security: { ...(STT.security as SttSecurity), rotation } });

export function decideT1(): ClaimResult {
  const pair = new RecordedPair(STT);
  pair.pump(0);
  const handshake = [...pair.frames('client').map((f) => ['initiator', f] as const), ...pair.frames('server').map((f) => ['responder', f] as const)]
    .filter(([, f]) => f.type >= SttFrame.HELLO && f.type <= SttFrame.FINAL)
    .sort(([, a], [, b]) => a.type - b.type);
  const hello = decodeHello(handshake[0]![1].payload);
  const response = decodeResponse(handshake[1]![1].payload);
  const expectedId = sttSessionId(hello.nonce, response.nonce, hello.nodeId, response.nodeId);
  const sessionIds = [pair.client.sessionToken, pair.server.sessionToken].map((t) => (t ? bytesToHex(t) : null));
  const marker = new TextEncoder().encode('T1 marker: these bytes must not cross the wire in the clear');
  const id = pair.client.openStream();
  pair.client.sendData(id, marker, 0);
  pair.client.endStream(id, 0);
  pair.pump(0);
  const inClear = Buffer.from(concatBytes(...pair.wire.client)).includes(Buffer.from(marker));
  const delivered = pair.events.server.some((e) => e.type === 'stream-end' && e.bytes === marker.length);
  const after = [...pair.frames('client'), ...pair.frames('server')].filter((f) => f.type === FrameType.DATA || f.type === FrameType.END || f.type === FrameType.CONTROL || f.type === SttFrame.FINAL);
  const allSealed = after.every((f) => f.payload.length >= STT_TAG_SIZE);
  const holds = handshake.length === 4 && sessionIds.every((s) => s === bytesToHex(expectedId)) && !inClear && delivered && allSealed;
  return {
    id: 'T1',
    verdict: holds ? 'HOLDS' : 'FAILS',
    summary: `The stt profile's handshake is ${handshake.map(([from, f]) => `${from} ${messageName(f.type)}`).join(', ')} (${handshake.map(([, f]) => f.payload.length).join(' + ')} payload bytes); both sides agree session id ${sessionIds[0]}, ${sessionIds[0] === bytesToHex(expectedId) ? 'which is' : 'which is NOT'} XOR(nonce_i, nonce_r, node_id_i, node_id_r)[0:8] of the nonces and node ids on the wire; ${after.length} frames after it each carry the ${STT_TAG_SIZE}-byte epoch and tag, and a stream's bytes ${inClear ? 'WERE' : 'were not'} visible on the wire. Encrypted with ChaCha20-Poly1305, not STC, which cannot be installed (docs/stt.md §5); resistance to replay and tampering is the threat scenarios' to show.`,
    evidence: { profile: STT.name, handshake: handshake.map(([from, f]) => ({ from, type: f.type, payloadBytes: f.payload.length })), sessionIds, expectedSessionId: bytesToHex(expectedId), framesAfterHandshake: after.length, allSealed, plaintextOnWire: inClear, streamDelivered: delivered },
  };
}

/** One run of T3: `streams` streams both ways under `rotation`, written to in turn with writes of varying sizes as the clock moves. */
function rotationRun(name: string, rotation: RotationThresholds, options: { streams: number; writes: number; bytes: number; stepMs: number }) {
  const pair = new RecordedPair({ ...withRotation(rotation), limits: { chunkSize: 16 * 1024 } });
  pair.pump(0);
  const random = countingRandom();
  const streams = Array.from({ length: options.streams }, (_, i) => {
    const side = i % 2 === 0 ? pair.client : pair.server;
    return { side, id: side.openStream(), sent: 0 };
  });
  let now = 0;
  for (let i = 0; i < options.writes; i++) {
    const stream = streams[i % streams.length]!;
    const data = new Uint8Array(1 + (random.u32() % options.bytes)).fill(i & 0xff);
    stream.side.sendData(stream.id, data, now);
    stream.sent += data.length;
    now += options.stepMs;
    pair.pump(now);
  }
  for (const stream of streams) stream.side.endStream(stream.id, now);
  pair.pump(now);
  const lost = streams.filter((s) => {
    const events = s.side === pair.client ? pair.events.server : pair.events.client;
    return !events.some((e) => e.type === 'stream-end' && e.streamId === s.id && e.bytes === s.sent);
  }).length;
  const rotations = (['client', 'server'] as const).map((side) => {
    const epochs = pair.frames(side).filter((f) => f.type === FrameType.DATA).map((f) => f.payload[0]!);
    return epochs.filter((epoch, i) => i > 0 && epoch !== epochs[i - 1]).length;
  });
  const open = pair.client.state === 'established' && pair.server.state === 'established';
  return { name, rotation, streams: options.streams, bytes: streams.reduce((a, s) => a + s.sent, 0), rotations, streamsIncomplete: lost, stillEstablished: open };
}

export function decideT3(): ClaimResult {
  const never = 1e15;
  const runs = [
    rotationRun('data threshold', { bytes: 64 * 1024, messages: never, ms: never }, { streams: 8, writes: 200, bytes: 20_000, stepMs: 1 }),
    rotationRun('message threshold', { bytes: never, messages: 10, ms: never }, { streams: 8, writes: 200, bytes: 20_000, stepMs: 1 }),
    rotationRun('time threshold', { bytes: never, messages: never, ms: 100 }, { streams: 8, writes: 200, bytes: 20_000, stepMs: 10 }),
  ];
  const holds = runs.every((r) => r.rotations.every((n) => n >= 5) && r.streamsIncomplete === 0 && r.stillEstablished);
  return {
    id: 'T3',
    verdict: holds ? 'HOLDS' : 'FAILS',
    summary: `${runs.map((r) => `${r.name}: keys rotated ${r.rotations.join(' and ')} times (each direction) while ${r.streams} streams carried ${r.bytes} bytes, ${r.streamsIncomplete} streams incomplete`).join('; ')}; the session ${runs.every((r) => r.stillEstablished) ? 'stayed up throughout' : 'did NOT stay up'}. Rotation is signalled by the epoch byte and derived from the current key (docs/stt.md §5); thresholds here are small so a short run crosses them (the profile's are 100 MiB, 10,000 frames, one hour).`,
    evidence: { runs },
  };
}

/** Custom frames of types across 0x80–0xFF sent over a session, and which of them reached the handlers registered for them (T4's dispatch half). */
export function customFrameDispatch(): { sentTypes: number[]; handledTypes: number[]; reservedTypeRefused: boolean; dispatched: boolean } {
  const pair = new RecordedPair(STT);
  pair.pump(0);
  const sentTypes = [0x80, 0xa5, 0xff];
  for (const [i, type] of sentTypes.entries()) pair.client.sendCustomFrame(type, 0, Uint8Array.of(i), 0);
  pair.pump(0);
  const dispatcher = new FrameDispatcher();
  const handledTypes: number[] = [];
  for (const type of sentTypes) dispatcher.register(type, (frame) => handledTypes.push(frame.frameType));
  for (const e of pair.events.server) if (e.type === 'custom-frame') dispatcher.dispatch(e);
  let reservedTypeRefused = false;
  try {
    dispatcher.register(0x7f, () => undefined);
  } catch {
    reservedTypeRefused = true;
  }
  const dispatched = handledTypes.length === sentTypes.length && handledTypes.every((t, i) => t === sentTypes[i]);
  return { sentTypes, handledTypes, reservedTypeRefused, dispatched };
}

/** The STT claims the stt core decides in memory, how, and what that reaches (verify's codecs step; instruments.ts). */
export const STT_DECISIONS: Readonly<Record<string, ClaimDecision>> = {
  T1: {
    by: 'the stt profile\'s connection core, in memory',
    reach: {
      measures: 'A real handshake between two stt connections: its four messages, the session id both agree against the seed\'s XOR of the nonces and node ids on the wire, and that every frame after it is sealed and a stream\'s bytes are not on the wire.',
      doesNotMeasure: 'STC, STT\'s own cipher (ChaCha20-Poly1305 stands in); resistance to replay, tampering and impersonation, which the threat scenarios show.',
    },
  },
  T3: {
    by: 'the stt profile\'s connection core, in memory, under load',
    reach: {
      measures: 'Keys rotating by each of the three thresholds alone while 8 streams run both ways, counted from the epoch bytes on the wire, with every stream\'s bytes delivered and the session up.',
      doesNotMeasure: 'The profile\'s own thresholds (100 MiB, 10,000 frames, one hour), which are scaled down to fit a short run; rotation over a lossy, reordering transport.',
    },
  },
};

export function decideSttClaims(): ClaimResult[] {
  return [decideT1(), decideT3()];
}
