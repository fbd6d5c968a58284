/**
 * stt over UDP in memory: two SttDatagramConnections and a network of the test's own (latency, a
 * rule that drops, holds or reorders datagrams), with time passed in. The handshake and streams
 * under loss, frames of one stream opened while another's wait (their nonces travel with them),
 * a replayed frame refused, key rotation while datagrams overtake each other, a bad datagram dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionProfile } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import type { SttSecurity } from '../../src/core/stt-handshake.ts';
import { STT_OVER_UDP, SttDatagramConnection } from '../../src/core/stt-datagram-connection.ts';
import { SttFrameProtection } from '../../src/core/stt-protection.ts';
import { nodeChaCha20Poly1305 } from '../../src/crypto/aead.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { concatBytes } from '../../src/wire/bytes.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { WireError } from '../../src/wire/errors.ts';
import { DatagramKind, decodeDatagram, encodeDataSegment, type DataSegment } from '../../src/wire/stt-datagram.ts';
import { CLIENT_ID, KEY, SERVER_ID } from '../support/pair.ts';
import { seededRandom } from '../support/random.ts';

type Side = 'client' | 'server';
/** What the network does with a datagram: deliver it after the latency plus `delayMs`, or drop it. */
type Fate = 'deliver' | 'drop' | { delayMs: number };

class DatagramNet {
  readonly client: SttDatagramConnection;
  readonly server: SttDatagramConnection;
  readonly events: Record<Side, ConnectionEvent[]> = { client: [], server: [] };
  readonly sent: Record<Side, Uint8Array[]> = { client: [], server: [] };
  now = 0;
  private inFlight: { at: number; to: Side; bytes: Uint8Array }[] = [];

  constructor(
    readonly fate: (from: Side, bytes: Uint8Array, index: number) => Fate = () => 'deliver',
    profile: ConnectionProfile = STT_OVER_UDP,
    readonly latencyMs = 5,
  ) {
    const common = { profile, apiKey: KEY, crypto: nodeBackend, now: 0, unixOffsetMs: 1_700_000_000_000 };
    this.client = new SttDatagramConnection({ ...common, role: 'client', nodeId: CLIENT_ID, random: seededRandom('client') });
    this.server = new SttDatagramConnection({ ...common, role: 'server', nodeId: SERVER_ID, random: seededRandom('server'), helloReplay: new ReplayCache(profile.helloReplay!) });
  }

  /** Runs until nothing is in flight and no deadline is before `until` (every loop bounded). */
  run(until = 60_000): void {
    for (let step = 0; step < 1_000_000; step++) {
      this.flush('client');
      this.flush('server');
      const next = Math.min(...this.inFlight.map((d) => d.at), this.client.pollTimeout() ?? Infinity, this.server.pollTimeout() ?? Infinity);
      if (next > until) return;
      this.now = Math.max(this.now, next);
      const due = this.inFlight.filter((d) => d.at <= this.now);
      this.inFlight = this.inFlight.filter((d) => d.at > this.now);
      for (const d of due) this[d.to].receiveDatagram(d.bytes, this.now);
      this.client.handleTimeout(this.now);
      this.server.handleTimeout(this.now);
    }
    throw new Error('the network did not settle');
  }

  flush(side: Side): void {
    const machine = this[side];
    for (let e = machine.pollEvent(); e; e = machine.pollEvent()) this.events[side].push(e);
    for (let d = machine.pollDatagram(this.now); d; d = machine.pollDatagram(this.now)) {
      const fate = this.fate(side, d, this.sent[side].length);
      this.sent[side].push(d);
      if (fate === 'drop') continue;
      const delay = fate === 'deliver' ? 0 : fate.delayMs;
      this.inFlight.push({ at: this.now + this.latencyMs + delay, to: side === 'client' ? 'server' : 'client', bytes: d });
    }
  }

  /** Bytes each stream delivered to `side`, in order, by stream id. */
  received(side: Side): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const e of this.events[side]) if (e.type === 'stream-data') out.set(e.streamId, [...(out.get(e.streamId) ?? []), ...e.data]);
    return out;
  }
}

const isData = (d: Uint8Array): boolean => d[0] === DatagramKind.DATA;
const bytesOf = (streamId: number, length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (streamId * 7 + i) & 0xff);

function establish(net: DatagramNet): void {
  net.run(1_000);
  assert.equal(net.client.connection.state, 'established');
  assert.equal(net.server.connection.state, 'established');
}

test('the handshake and two streams both ways complete over datagrams that are lost one time in five', () => {
  let drops = 0;
  const net = new DatagramNet((_, d, i) => (isData(d) && i % 5 === 2 ? (drops++, 'drop') : 'deliver'));
  establish(net);
  const ids = [net.client.connection.openStream(), net.client.connection.openStream()];
  for (const id of ids) {
    net.client.connection.sendData(id, bytesOf(id, 20_000), net.now);
    net.client.connection.endStream(id, net.now);
  }
  net.run();
  const received = net.received('server');
  for (const id of ids) assert.deepEqual(received.get(id), [...bytesOf(id, 20_000)], `stream ${id}`);
  const again = net.client.sender.stats.retransmissions + net.server.sender.stats.retransmissions;
  assert.ok(drops > 5 && again >= drops, `${drops} dropped, ${again} sent again`);
  assert.deepEqual(net.events.client.filter((e) => e.type === 'receipt').map((e) => e.streamId).sort(), ids, 'the receipts came back');
  assert.equal(net.client.sender.unacknowledgedBytes + net.server.sender.unacknowledgedBytes, 0);
});

test("a stream whose segment is held back does not hold back another's frames: their nonces travel with them", () => {
  let held: Uint8Array | null = null;
  const net = new DatagramNet((from, d) => {
    if (from !== 'client' || !isData(d) || held) return 'deliver';
    const segment = decodeDatagram(d) as DataSegment;
    if (segment.streamId !== 1) return 'deliver';
    held = d;
    return { delayMs: 500 };
  });
  establish(net);
  const [a, b] = [net.client.connection.openStream(), net.client.connection.openStream()];
  net.client.connection.sendData(a, bytesOf(a, 100), net.now);
  net.client.connection.sendData(b, bytesOf(b, 100), net.now);
  net.run(net.now + 8); // the frames' one-way latency is 5 ms, the sender's RTO more than 8
  assert.deepEqual(net.received('server').get(b), [...bytesOf(b, 100)], 'stream 3 delivered, sealed after stream 1 and opened before it');
  assert.equal(net.received('server').get(a), undefined, 'stream 1 still waits for its segment');
  net.run();
  assert.deepEqual(net.received('server').get(a), [...bytesOf(a, 100)]);
  assert.equal(net.server.connection.state, 'established');
});

test('a frame replayed under a new packet number and segment index does not open: its nonce was opened before', () => {
  const net = new DatagramNet();
  establish(net);
  net.client.connection.sendCustomFrame(0x80, 0, Uint8Array.of(1, 2, 3), net.now);
  net.run();
  assert.equal(net.events.server.filter((e) => e.type === 'custom-frame').length, 1);
  // Custom frames all go out at seq 0, so only the nonce tells the replay from a new frame.
  const custom = net.sent.client.map((d) => decodeDatagram(d)).filter((d): d is DataSegment => d.kind === 'data' && d.streamId === 0).at(-1)!;
  net.server.receiveDatagram(encodeDataSegment({ ...custom, packet: custom.packet + 1000, index: custom.index + 1 }), net.now);
  net.flush('server');
  assert.equal(net.events.server.filter((e) => e.type === 'custom-frame').length, 1, 'not delivered twice');
  const closed = net.events.server.find((e) => e.type === 'closed');
  assert.ok(closed?.type === 'closed' && closed.reason === 'integrity-failed', JSON.stringify(closed));
  assert.match(closed.detail, /stream 0, seq 0\) does not authenticate/);
});

test('keys rotate every 4 frames while datagrams overtake each other, and every byte arrives', () => {
  const security = { ...(STT_OVER_UDP.security as SttSecurity), rotation: { bytes: 1e15, messages: 4, ms: 1e15 } };
  const net = new DatagramNet((_, d, i) => (isData(d) && i % 3 === 0 ? { delayMs: 7 } : 'deliver'), { ...STT_OVER_UDP, security });
  establish(net);
  const ids = [1, 2, 3].map(() => net.client.connection.openStream());
  // Each round settles before the next: a frame overtaken within a round is at most one epoch behind.
  for (let round = 0; round < 10; round++) {
    for (const id of ids) net.client.connection.sendData(id, bytesOf(id + round, 1500), net.now);
    net.run(net.now + 1_000); // well within the receiver's 30 s stream idle timeout
  }
  const received = net.received('server');
  for (const id of ids) assert.equal(received.get(id)?.length, 15_000, `stream ${id}`);
  const epochs = new Set(net.sent.client.map((d) => decodeDatagram(d)).filter((d): d is DataSegment => d.kind === 'data' && d.streamId !== 0 && d.index % 2 === 0).map((d) => d.bytes[14]));
  assert.ok(epochs.size >= 5, `frames went out under ${epochs.size} epochs`);
  assert.equal(net.server.connection.state, 'established');
});

test('a datagram that does not decode is dropped with a WireError naming why; the connection goes on', () => {
  const net = new DatagramNet();
  establish(net);
  const refusal = net.server.receiveDatagram(Uint8Array.of(0x55, 1, 2), net.now);
  assert.ok(refusal instanceof WireError);
  assert.match(refusal.message, /unknown datagram kind 0x55/);
  assert.deepEqual(net.server.stats, { refused: 1, lastRefusal: refusal.message });
  assert.equal(net.server.connection.state, 'established');
});

test('a peer that never answers: the HELLO is sent again with growing waits until the handshake times out', () => {
  const net = new DatagramNet((from) => (from === 'client' ? 'drop' : 'deliver'));
  net.run();
  const closed = net.events.client.find((e) => e.type === 'closed');
  assert.equal(closed?.type === 'closed' && closed.reason, 'handshake-timeout');
  assert.ok(net.sent.client.length >= 5, `${net.sent.client.length} HELLOs`);
  assert.ok(net.client.finished);
});

test('carried nonces: frames open in any order within one epoch of the newest, each once', () => {
  const keys = { send: new Uint8Array(32).fill(1), receive: new Uint8Array(32).fill(1) };
  const sessionId = new Uint8Array(8).fill(9);
  const rotation = { bytes: 1e15, messages: 2, ms: 1e15 };
  const sender = new SttFrameProtection(nodeChaCha20Poly1305, nodeBackend, keys, sessionId, rotation, 0, 'carried');
  const receiver = new SttFrameProtection(nodeChaCha20Poly1305, nodeBackend, keys, sessionId, rotation, 0, 'carried');
  assert.equal(sender.tagSize, 25, 'epoch, counter, tag');
  const header = new Uint8Array(14);
  const frames = [0, 1, 2, 3, 4].map((i) => concatBytes(...sender.seal(header, Uint8Array.of(i))));
  assert.deepEqual(frames.map((f) => f[0]), [0, 0, 1, 1, 2], 'epochs: two frames each');
  const open = (i: number): number | null => receiver.open(header, frames[i]!)?.[0] ?? null;
  assert.deepEqual([0, 2, 1, 4, 3].map(open), [0, 2, 1, 4, 3], 'frame 1 after epoch 1 began, frame 3 after epoch 2 began');
  assert.equal(open(3), null, 'a counter opened before');
  const late = new SttFrameProtection(nodeChaCha20Poly1305, nodeBackend, keys, sessionId, rotation, 0, 'carried');
  for (const i of [2, 4]) late.open(header, frames[i]!);
  assert.equal(late.open(header, frames[0]!), null, 'two epochs behind: its key is gone');
});

test('a close from one side reaches the other as its sealed close notice: the peer closes (transport-closed) and both finish', () => {
  const net = new DatagramNet();
  establish(net);
  net.client.connection.close(net.now, 'done');
  net.run();
  const closed = net.events.server.find((e) => e.type === 'closed');
  assert.deepEqual(closed && [closed.type, closed.reason, closed.detail], ['closed', 'transport-closed', 'the peer closed the session (its close notice)']);
  assert.ok(net.client.finished && net.server.finished, 'the notice was acknowledged and nothing is left to send');
});

test('a close notice altered on the path, or sent unsealed by someone without the session keys, does not open: the peer never reads it as a close', () => {
  for (const forge of ['altered', 'unsealed'] as const) {
    let closing = false;
    const net = new DatagramNet((from, d) => (closing && from === 'client' && isData(d) ? 'drop' : 'deliver'));
    establish(net);
    closing = true;
    net.client.connection.close(net.now);
    net.flush('client');
    const notice = decodeDatagram(net.sent.client.at(-1)!) as DataSegment;
    assert.equal(notice.streamId, 0);
    // The notice's frame: the 14-byte header (CONTROL, stream 0) and the sealed body; `unsealed` puts the bare kind byte in its place.
    const frame = forge === 'altered' ? Uint8Array.from(notice.bytes, (b, i) => (i === notice.bytes.length - 1 ? b ^ 1 : b)) : concatBytes(notice.bytes.subarray(0, 10), Uint8Array.of(0, 0, 0, 1), Uint8Array.of(2));
    net.server.receiveDatagram(encodeDataSegment({ ...notice, bytes: frame }), net.now);
    net.flush('server');
    const closed = net.events.server.filter((e) => e.type === 'closed');
    assert.equal(closed.length, 1, forge);
    assert.notEqual(closed[0]!.type === 'closed' && closed[0]!.reason, 'transport-closed', `${forge}: read as the peer's close`);
    assert.equal(closed[0]!.type === 'closed' && closed[0]!.reason, 'integrity-failed', forge);
  }
});
