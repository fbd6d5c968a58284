/**
 * Two connections of one profile in memory (pairOf), with everything each side wrote and every
 * event each side raised kept as evidence: how the claims that run a profile's real connection
 * machines see what crossed the wire (stt-claims.ts, subduction-claims.ts).
 */
import type { AsocConnection } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { HANDSHAKES } from '../../src/core/handshake-registry.ts';
import { pumpUntilIdle } from '../../src/core/memory-pair.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import { concatBytes } from '../../src/wire/bytes.ts';
import { decodeFrames } from '../../src/wire/frame-reader.ts';
import { pairOf, type PairOptions } from './codec-claims.ts';

export type Side = 'client' | 'server';

export class RecordedPair {
  readonly client: AsocConnection;
  readonly server: AsocConnection;
  readonly wire = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  readonly events = { client: [] as ConnectionEvent[], server: [] as ConnectionEvent[] };

  constructor(
    readonly profile: AsocProfile,
    options: PairOptions = {},
  ) {
    const { client, server } = pairOf(profile, options);
    this.client = client;
    this.server = server;
  }

  pump(now: number): void {
    pumpUntilIdle(this.client, this.server, now, (from, bytes) => this.wire[from].push(bytes));
    this.collectEvents();
  }

  /** Hands `bytes` to `to` as if its peer had sent them (a replayed or forged message), then pumps. */
  inject(to: Side, bytes: Uint8Array, now: number): void {
    this[to].receive(bytes, now);
    this.pump(now);
  }

  /** The frames `side` wrote, in order (sealed frames with their tags). */
  frames(side: Side): { type: number; payload: Uint8Array }[] {
    const tagSize = HANDSHAKES.get(this.profile.security.kind).kind.tagSize;
    return decodeFrames(concatBytes(...this.wire[side]), { version: this.profile.wireVersion, maxFrameSize: this.profile.maxFrameSize + tagSize }).frames;
  }

  /** How `side` closed, if it did. */
  closed(side: Side): Extract<ConnectionEvent, { type: 'closed' }> | null {
    return this.events[side].find((e): e is Extract<ConnectionEvent, { type: 'closed' }> => e.type === 'closed') ?? null;
  }

  private collectEvents(): void {
    for (const side of ['client', 'server'] as const) for (let e = this[side].pollEvent(); e; e = this[side].pollEvent()) this.events[side].push(e);
  }
}
