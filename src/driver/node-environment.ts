/**
 * Everything an ASoc node takes from the world it runs in: clocks, timers, outgoing connects and
 * randomness. One node wiring (asoc-node-base.ts) runs on any of them: src/net gives it the
 * operating system's, sim/asoc a simulated host's. Nothing in src/driver reads a clock or draws
 * randomness except through an environment.
 */
import type { RandomSource } from '../core/random.ts';
import type { CryptoBackend } from '../crypto/backend.ts';
import type { Connector, DeadlineTimerFactory, Timers } from './transport.ts';

/** What a node draws randomness for; the wiring asks for each once, in its constructor. */
export type RandomUse = 'node-id' | 'identity' | 'connections' | 'dialing' | 'discovery';

export interface NodeEnvironment<Socket> {
  /** The clock connections and admission run on (ms, never going backwards). */
  now(): number;
  /** Unix time in ms as the connections see it (asoc-hardened HELLOs carry a timestamp). */
  unixNow(): number;
  /** Discovery's clock, Unix ms (its datagrams carry timestamps that peers check), and deadlines on it. */
  discoveryClock: { now(): number; deadlineTimer: DeadlineTimerFactory };
  /** For dialing, waits and the grace period of a stop. */
  timers: Timers;
  connector: Connector<Socket>;
  /** Cuts a socket (refused before its handshake, or not closed in time at stop); a closed one is left alone. */
  destroy(socket: Socket): void;
  random(use: RandomUse): RandomSource;
  /** The crypto backend a node uses unless its options name one. */
  crypto: CryptoBackend;
  /** How error messages name the node ('' when there is one per process). */
  label: string;
}
