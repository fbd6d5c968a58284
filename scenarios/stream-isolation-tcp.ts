/**
 * The stream-isolation writes over the simulator's TCP, for contrast with stt over UDP
 * (stream-isolation.ts): the same two streams of one stt session, the same paced writes, on one TCP
 * connection. TCP cannot lose one stream's packets and not the other's, so the link loses its
 * packets from client to server at half the rate instead: about as many of the lossy stream's
 * bytes as over UDP, and as many again of the clean one's. Every byte waits for any earlier lost
 * segment, whichever stream it belongs to. Evidence beside T2, not part of its rule.
 */
import { nodeBackend } from '../src/crypto/backend.ts';
import { ReplayCache } from '../src/crypto/replay-cache.ts';
import { AsocConnection } from '../src/core/connection.ts';
import type { ConnectionEvent } from '../src/core/events.ts';
import { STT } from '../src/core/profile.ts';
import { SocketDriver } from '../sim/asoc/socket-driver.ts';
import { SIM_EPOCH_MS } from '../sim/asoc/sim-transport.ts';
import { Simulation } from '../sim/simulation.ts';
import { outcome, recordArrival, startWrites, type IsolationOptions, type StreamOutcome, type StreamRecord } from './stream-isolation.ts';

const PORT = 7401;
const SEED_KEY = new TextEncoder().encode('stt over tcp: the shared seed of the simulated pair');

export interface TcpIsolationRun {
  options: IsolationOptions;
  /** Loss on every packet from client to server, and how many the link lost. */
  linkLoss: number;
  packetsLost: number;
  established: boolean;
  streams: [StreamOutcome, StreamOutcome];
  virtualMs: number;
}

export function runIsolationOverTcp(options: IsolationOptions): TcpIsolationRun {
  const linkLoss = options.loss / 2;
  const sim = new Simulation({ seed: options.seed, trace: { record: false } });
  const a = sim.addHost({ name: 'a', address: '10.0.0.1' });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2' });
  const link = sim.link(a, b, { latencyMs: options.latencyMs, bandwidthBps: options.bandwidthBps, aToB: { loss: linkLoss } });
  const common = { profile: STT, apiKey: SEED_KEY, crypto: nodeBackend, now: 0, unixOffsetMs: SIM_EPOCH_MS };
  const server = new AsocConnection({ ...common, role: 'server', nodeId: new Uint8Array(16).fill(2), random: sim.random.stream('stt-tcp:server'), helloReplay: new ReplayCache(STT.helloReplay!) });
  const client = new AsocConnection({ ...common, role: 'client', nodeId: new Uint8Array(16).fill(1), random: sim.random.stream('stt-tcp:client') });
  const streams: StreamRecord[] = [];
  b.tcp.listen(PORT, (socket) => {
    new SocketDriver(b, socket, server, { onEvent: (event) => recordArrival(streams, event, sim.scheduler.now, options.writeBytes) });
  });
  const driver: SocketDriver<ConnectionEvent> = new SocketDriver(a, a.tcp.connect(b.addressText, PORT), client, {
    onEvent: (event) => {
      if (event.type === 'established') startWrites({ connection: client, host: a, flush: () => driver.pump() }, streams, options);
    },
  });
  sim.scheduler.runUntilIdle();
  return {
    options,
    linkLoss,
    packetsLost: link.aToB.counts.dropped,
    established: client.state === 'established' && server.state === 'established',
    // outcome() counts datagrams a rule dropped per stream; here the link's loss counts them all.
    streams: [outcome(streams[0], options), outcome(streams[1], options)],
    virtualMs: sim.scheduler.now,
  };
}
