/**
 * Two hosts on one link with an stt connection over UDP between them (client on a, server on b),
 * each driven by the shared DatagramPump (stt-udp-driver.ts), with every event kept and stamped with virtual time: what the
 * stream-isolation scenario and the tests run. Node ids, the shared seed and the randomness are
 * fixed or seeded, so a seed gives the same run.
 */
import { nodeBackend, type CryptoBackend } from '../../src/crypto/backend.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import type { AsocConnection } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { STT } from '../../src/core/profile.ts';
import { SttDatagramConnection, type DatagramLimits } from '../../src/core/stt-datagram-connection.ts';
import type { Host } from '../host.ts';
import type { PointToPointLink, LinkOptions } from '../link.ts';
import { Simulation } from '../simulation.ts';
import { SIM_EPOCH_MS } from './sim-transport.ts';
import type { DatagramPump } from '../../src/driver/datagram-pump.ts';
import { simSttUdpPump, type UdpPeer } from './stt-udp-driver.ts';

export const STT_UDP_PORT = 7400;
const SEED_KEY = new TextEncoder().encode('stt over udp: the shared seed of the simulated pair');

export interface SttUdpPairOptions {
  seed: string | number;
  link?: LinkOptions;
  crypto?: CryptoBackend;
  datagramLimits?: Partial<DatagramLimits>;
}

export interface TimedEvent {
  at: number;
  event: ConnectionEvent;
}

/** One side: its host, driver and connection core, its events so far, and a hook for each new one. */
export class SttUdpEnd {
  readonly driver: DatagramPump;
  readonly events: TimedEvent[] = [];
  onEvent: ((event: ConnectionEvent, at: number) => void) | null = null;

  constructor(
    readonly host: Host,
    port: number,
    peer: UdpPeer,
    readonly machine: SttDatagramConnection,
  ) {
    this.driver = simSttUdpPump(host, host.udp.bind(port), peer, machine, (event) => this.record(event));
  }

  get connection(): AsocConnection {
    return this.machine.connection;
  }

  private record(event: ConnectionEvent): void {
    const at = this.host.scheduler.now;
    this.events.push({ at, event });
    this.onEvent?.(event, at);
  }
}

export interface SttUdpPair {
  readonly sim: Simulation;
  readonly link: PointToPointLink;
  readonly client: SttUdpEnd;
  readonly server: SttUdpEnd;
}

export function sttUdpPair(options: SttUdpPairOptions): SttUdpPair {
  const sim = new Simulation({ seed: options.seed, trace: { record: false } });
  const a = sim.addHost({ name: 'a', address: '10.0.0.1' });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2' });
  const link = sim.link(a, b, options.link);
  const common = { apiKey: SEED_KEY, crypto: options.crypto ?? nodeBackend, now: 0, unixOffsetMs: SIM_EPOCH_MS, datagramLimits: options.datagramLimits };
  const serverMachine = new SttDatagramConnection({ ...common, role: 'server', nodeId: new Uint8Array(16).fill(2), random: sim.random.stream('stt-udp:server'), helloReplay: new ReplayCache(STT.helloReplay!) });
  const clientMachine = new SttDatagramConnection({ ...common, role: 'client', nodeId: new Uint8Array(16).fill(1), random: sim.random.stream('stt-udp:client') });
  const server = new SttUdpEnd(b, STT_UDP_PORT, { address: a.addressText, port: STT_UDP_PORT }, serverMachine);
  const client = new SttUdpEnd(a, STT_UDP_PORT, { address: b.addressText, port: STT_UDP_PORT }, clientMachine);
  client.driver.flush(); // the HELLO
  return { sim, link, client, server };
}
