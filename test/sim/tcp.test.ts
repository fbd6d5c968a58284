import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Packet, RandomStreams, TcpFlag, type TcpSocket, type TraceEntry } from '../../sim/index.ts';
import { SERVER_PORT, StreamSink, acceptInto, patternHash, sendPattern, twoHosts } from './support.ts';

type PacketEntry = Extract<TraceEntry, { packet: Packet }>;
const delivered = (entries: readonly TraceEntry[], link: number): Packet[] =>
  entries.filter((e): e is PacketEntry => e.kind === 'deliver' && e.link === link).map((e) => e.packet);
const events = (entries: readonly TraceEntry[], name: string) =>
  entries.filter((e): e is Extract<TraceEntry, { kind: 'event' }> => e.kind === 'event' && e.name === name);

test('three-way handshake: random ISNs from the seed, MSS option, ACK = ISN + 1, then data from ISN + 1', () => {
  const isns = (seed: number) => {
    const { sim, a, b, link } = twoHosts({ seed, trace: { record: true } });
    const sink = acceptInto(sim, b);
    sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), 5000);
    sim.scheduler.runUntilIdle();
    assert.equal(sink.bytes, 5000);
    const [syn, ...rest] = delivered(sim.trace.entries, link.aToB.id);
    const [synAck] = delivered(sim.trace.entries, link.bToA.id);
    assert.equal(syn!.flags, TcpFlag.SYN);
    assert.equal(syn!.mss, 1460);
    assert.equal(synAck!.flags, TcpFlag.SYN | TcpFlag.ACK);
    assert.equal(synAck!.ack, (syn!.seq + 1) >>> 0);
    assert.equal(rest[0]!.ack, (synAck!.seq + 1) >>> 0);
    assert.equal(rest.find((p) => p.payload.length > 0)!.seq, (syn!.seq + 1) >>> 0);
    return [syn!.seq, synAck!.seq];
  };
  const first = isns(1);
  assert.deepEqual(isns(1), first);
  assert.notDeepEqual(isns(2), first);
  assert.notEqual(first[0], first[1]);
});

test('a stream survives loss, duplication and reordering in both directions (echo)', () => {
  const { sim, a, b } = twoHosts({ seed: 5, link: { bandwidthBps: 50e6, latencyMs: 2, loss: 0.02, duplicate: 0.01, reorder: 0.02 } });
  b.tcp.listen(SERVER_PORT, (socket) => {
    socket.onData = (bytes) => assert.equal(socket.write(bytes), bytes.length);
    socket.onEnd = () => socket.end();
  });
  const client = a.tcp.connect('10.0.0.2', SERVER_PORT);
  const total = 1_000_000;
  sendPattern(client, total, { chunkBytes: 10_000 });
  const echo = new StreamSink(sim, { endBack: false }).attach(client);
  sim.scheduler.runUntilIdle();
  assert.equal(echo.bytes, total);
  assert.equal(echo.digest(), patternHash(total));
  assert.equal(echo.closeReason, 'normal');
  assert.ok(client.stats.retransmittedSegments > 0, 'losses were repaired');
});

test('connecting to a port nobody listens on is refused by a RST', () => {
  const { sim, a } = twoHosts();
  const socket = a.tcp.connect('10.0.0.2', 1234);
  let reason = '';
  socket.onClose = (r) => (reason = r);
  sim.scheduler.runUntilIdle();
  assert.equal(reason, 'refused');
  assert.equal(socket.state, 'CLOSED');
});

test('a closed listener accepts no more connections', () => {
  const { sim, a, b } = twoHosts();
  let accepted = 0;
  const listener = b.tcp.listen(SERVER_PORT, () => accepted++);
  a.tcp.connect('10.0.0.2', SERVER_PORT);
  sim.scheduler.runUntilTime(10);
  listener.close();
  let reason = '';
  a.tcp.connect('10.0.0.2', SERVER_PORT).onClose = (r) => (reason = r);
  sim.scheduler.runUntilTime(20);
  assert.equal(accepted, 1);
  assert.equal(reason, 'refused');
});

test('a SYN that is never answered is retried with backoff, then the connection times out', () => {
  const { sim, a, link } = twoHosts({ a: { tcp: { synRetries: 3 } } });
  link.partition();
  const socket = a.tcp.connect('10.0.0.2', SERVER_PORT);
  let closedAt = -1;
  socket.onClose = (reason) => {
    assert.equal(reason, 'timeout');
    closedAt = sim.scheduler.now;
  };
  sim.scheduler.runUntilIdle();
  assert.equal(closedAt, 1000 + 2000 + 4000 + 8000);
});

test('destroy() resets the peer', () => {
  const { sim, a, b } = twoHosts();
  let serverSide: TcpSocket | null = null;
  let serverReason = '';
  b.tcp.listen(SERVER_PORT, (socket) => {
    serverSide = socket;
    socket.onClose = (reason) => (serverReason = reason);
  });
  const client = a.tcp.connect('10.0.0.2', SERVER_PORT);
  let clientReason = '';
  client.onClose = (reason) => (clientReason = reason);
  client.onConnect = () => sim.scheduler.after(5, () => client.destroy());
  sim.scheduler.runUntilIdle();
  assert.ok(serverSide, 'the server accepted');
  assert.equal(clientReason, 'destroyed');
  assert.equal(serverReason, 'reset');
});

test('half-close: the side that ended still receives until the peer ends too', () => {
  const { sim, a, b } = twoHosts({ link: { latencyMs: 1 } });
  let upload: StreamSink | null = null;
  b.tcp.listen(SERVER_PORT, (socket) => {
    upload = new StreamSink(sim, { endBack: false }).attach(socket);
    socket.onEnd = () => sendPattern(socket, 200_000); // answer after the client's FIN, then end
  });
  const client = a.tcp.connect('10.0.0.2', SERVER_PORT);
  sendPattern(client, 100_000);
  const download = new StreamSink(sim, { endBack: false }).attach(client);
  sim.scheduler.runUntilIdle();
  assert.equal(upload!.bytes, 100_000);
  assert.equal(download.bytes, 200_000);
  assert.equal(download.digest(), patternHash(200_000));
  assert.equal(download.closeReason, 'normal');
  assert.equal(upload!.closeReason, 'normal');
});

test('write() accepts what fits in the send buffer and onWritable asks for more', () => {
  const { sim, a, b } = twoHosts({ a: { tcp: { sendBufferBytes: 64 * 1024 } }, link: { latencyMs: 5 } });
  const sink = acceptInto(sim, b);
  const client = a.tcp.connect('10.0.0.2', SERVER_PORT);
  const big = new Uint8Array(1024 * 1024);
  let writableCalls = 0;
  let offset = 0;
  const fill = (): void => {
    while (offset < big.length) {
      const accepted = client.write(big.subarray(offset));
      assert.ok(accepted <= 64 * 1024, 'never more than the buffer');
      offset += accepted;
      if (client.writableBytes === 0) return;
    }
    client.end();
  };
  client.onConnect = () => {
    assert.equal(client.write(big), 64 * 1024);
    assert.equal(client.writableBytes, 0);
    offset = 64 * 1024;
  };
  client.onWritable = () => {
    writableCalls++;
    assert.ok(client.writableBytes >= 32 * 1024, 'writable means half the buffer is free');
    fill();
  };
  sim.scheduler.runUntilIdle();
  assert.equal(sink.bytes, big.length);
  assert.ok(writableCalls > 5, `onWritable called ${writableCalls} times`);
});

test('a slow reader closes the window and paces the sender to its reading rate', () => {
  const rcvBuf = 44 * 1460; // a whole number of segments, so the window does reach zero
  const { sim, a, b, link } = twoHosts({
    seed: 2,
    trace: { record: true },
    b: { tcp: { receiveBufferBytes: rcvBuf } },
    link: { bandwidthBps: 100e6, latencyMs: 2 },
  });
  const total = 2_000_000;
  const readBytes = 16 * 1024;
  const everyMs = 50; // 16 KiB / 50 ms = 327,680 B/s
  let read = 0;
  let mostBuffered = 0;
  let doneAt = -1;
  b.tcp.listen(SERVER_PORT, (socket) => {
    socket.pause();
    const tick = (): void => {
      mostBuffered = Math.max(mostBuffered, socket.readableBytes);
      let budget = readBytes;
      while (budget > 0 && socket.readableBytes > 0) {
        const chunk = socket.read(budget)!;
        budget -= chunk.length;
        read += chunk.length;
      }
      if (read === total) doneAt = sim.scheduler.now;
      else sim.scheduler.after(everyMs, tick);
    };
    sim.scheduler.after(everyMs, tick);
  });
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), total);
  sim.scheduler.runUntil(() => doneAt >= 0);
  const expectedMs = (total / readBytes) * everyMs;
  assert.ok(Math.abs(doneAt - expectedMs) / expectedMs < 0.03, `done at ${doneAt} ms, reader pace predicts ${expectedMs}`);
  const windows = delivered(sim.trace.entries, link.bToA.id).map((p) => p.window);
  assert.ok(windows.includes(0), 'the receiver advertised a zero window');
  assert.ok(Math.max(...windows) <= rcvBuf, 'the window never exceeds the buffer');
  assert.equal(mostBuffered, rcvBuf, 'the receive buffer filled up, and no further');
});

test('a lost window update is recovered by zero-window probes (persist timer)', () => {
  const { sim, a, b, link } = twoHosts({ trace: { record: true }, b: { tcp: { receiveBufferBytes: 44 * 1460 } }, link: { latencyMs: 2 } });
  let zeroSeen = false;
  let updatesLost = 0;
  link.bToA.addRule((packet) => {
    if (packet.window === 0) zeroSeen = true;
    else if (zeroSeen && updatesLost === 0) {
      updatesLost++;
      return 'drop'; // the window update sent when the reader wakes up
    }
    return 'pass';
  });
  let sink: StreamSink | null = null;
  b.tcp.listen(SERVER_PORT, (socket) => {
    socket.pause();
    sink = new StreamSink(sim).attach(socket);
    sim.scheduler.at(500, () => socket.resume());
  });
  const total = 200_000;
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), total);
  sim.scheduler.runUntilIdle();
  assert.equal(updatesLost, 1);
  assert.equal(sink!.digest(), patternHash(total));
  // a probe is a bare ACK with a sequence number below what was already sent (modulo 2^32)
  let sentUpTo = 0;
  const probes = delivered(sim.trace.entries, link.aToB.id).filter((p) => {
    const old = p.payload.length === 0 && p.flags === TcpFlag.ACK && ((p.seq - sentUpTo) | 0) < 0;
    if (p.payload.length > 0) sentUpTo = (p.seq + p.payload.length) >>> 0;
    return old;
  });
  assert.ok(probes.length >= 2, `${probes.length} probes: one answered by a zero window, one by the open window`);
  const resumedAt = sink!.progress.find(([time]) => time > 500)![0];
  assert.ok(resumedAt > 600, `data flowed again at ${resumedAt} ms, after a probe, not at the lost update`);
});

test('the retransmission timeout backs off exponentially while a partition lasts, then the stream completes', () => {
  const { sim, a, b, link } = twoHosts({ trace: { record: true }, link: { latencyMs: 5 } });
  const sink = acceptInto(sim, b);
  const client = a.tcp.connect('10.0.0.2', SERVER_PORT);
  const total = 500_000;
  sendPattern(client, total, { chunkBytes: 50_000 });
  sim.scheduler.runUntil(() => client.stats.bytesAcked > 100_000);
  link.partition();
  const partitionedAt = sim.scheduler.now;
  sim.scheduler.runUntilTime(partitionedAt + 20_000);
  link.heal();
  sim.scheduler.runUntilIdle();
  const rto = events(sim.trace.entries, 'tcp.rto').map((e) => e.time);
  assert.ok(rto.length >= 5, `${rto.length} timeouts`);
  const gaps = rto.slice(1).map((t, i) => t - rto[i]!);
  for (let i = 1; i < gaps.length; i++) assert.ok(Math.abs(gaps[i]! / gaps[i - 1]! - 2) < 1e-6, `gaps ${gaps}`);
  assert.equal(sink.bytes, total);
  assert.equal(sink.digest(), patternHash(total));
});

test('three duplicate ACKs trigger one fast retransmit and no timeout', () => {
  const { sim, a, b, link } = twoHosts({ link: { bandwidthBps: 100e6, latencyMs: 5 } });
  let dataPackets = 0;
  link.aToB.addRule((packet) => (packet.payload.length > 0 && ++dataPackets === 30 ? 'drop' : 'pass'));
  const sink = acceptInto(sim, b);
  const client = a.tcp.connect('10.0.0.2', SERVER_PORT);
  sendPattern(client, 300_000);
  sim.scheduler.runUntilIdle();
  assert.equal(sink.digest(), patternHash(300_000));
  assert.equal(client.stats.fastRetransmits, 1);
  assert.equal(client.stats.timeouts, 0);
});

test('sequence numbers wrap around 2^32 without harm', () => {
  // find a seed whose first ISN on host a lies within 1 MiB below 2^32 (stream name as in Simulation)
  let seed = 0;
  let isn = 0;
  while (isn < 2 ** 32 - 2 ** 20) isn = new RandomStreams(++seed).stream('host:a').u32();
  const { sim, a, b, link } = twoHosts({ seed, trace: { record: true }, link: { latencyMs: 1 } });
  const sink = acceptInto(sim, b);
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), 4 * 2 ** 20);
  sim.scheduler.runUntilIdle();
  const sent = delivered(sim.trace.entries, link.aToB.id);
  assert.equal(sent[0]!.seq, isn, 'the ISN is the one predicted from the stream');
  assert.ok(sent.some((p) => p.seq < 2 ** 20), 'sequence numbers wrapped');
  assert.equal(sink.digest(), patternHash(4 * 2 ** 20));
});

test('an on-path attacker that read the sequence numbers can reset the connection; a blind guess cannot', () => {
  const run = (guessRight: boolean): string => {
    const { sim, a, b, link } = twoHosts({ link: { latencyMs: 1 } });
    let expected = 0; // the server's next expected sequence number, read off its ACKs
    let template: Packet | null = null;
    link.bToA.setTap((packet) => {
      expected = packet.ack;
      return packet;
    });
    link.aToB.setTap((packet) => {
      template = packet;
      return packet;
    });
    let serverReason = 'open';
    b.tcp.listen(SERVER_PORT, (socket) => {
      socket.onData = () => {};
      socket.onClose = (reason) => (serverReason = reason);
    });
    sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), 1_000_000, { end: false });
    sim.scheduler.runUntilTime(50);
    const seq = guessRight ? expected : (expected + 2 ** 31) >>> 0;
    link.aToB.inject((template! as Packet).with({ flags: TcpFlag.RST, seq, payload: new Uint8Array(0) }));
    sim.scheduler.runUntilTime(100);
    return serverReason;
  };
  assert.equal(run(true), 'reset');
  assert.equal(run(false), 'open');
});
