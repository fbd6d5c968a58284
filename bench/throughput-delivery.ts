/**
 * The receiving end of a throughput run, in either process: sinks (src/baselines TransferSink)
 * that count and (verify = sha256) hash every byte, a meter of the bytes delivered so far in the
 * run (for interval reports), and the check of what arrived against what was sent.
 */
import { createHash } from 'node:crypto';
import type { TransferSink } from '../src/baselines/types.ts';
import type { ChunkPattern } from './throughput-data.ts';
import type { VerifyMode } from './throughput-schema.ts';

/** One transfer as its receiver saw it. */
export interface Delivery {
  bytes: number;
  /** null when verify = count. */
  sha256: string | null;
}

/** The sinks of one run: counts bytes as they arrive and reports each finished transfer. */
export class DeliveryMeter {
  /** Bytes delivered so far, over all transfers of the run. */
  bytes = 0;
  readonly deliveries: Delivery[] = [];

  private waiter: { count: number; resolve(deliveries: Delivery[]): void } | null = null;

  constructor(
    private readonly verify: VerifyMode,
    private readonly delivered: (delivery: Delivery) => void = () => {},
  ) {}

  /** Resolves once `count` transfers have ended here, with them. */
  whenDelivered(count: number): Promise<Delivery[]> {
    if (this.deliveries.length >= count) return Promise.resolve(this.deliveries.slice(0, count));
    return new Promise((resolve) => (this.waiter = { count, resolve }));
  }

  /** A sink for one more transfer (a SinkFactory). */
  readonly sink = (): TransferSink => {
    const hash = this.verify === 'sha256' ? createHash('sha256') : null;
    let bytes = 0;
    return {
      data: (piece) => {
        bytes += piece.length;
        this.bytes += piece.length;
        hash?.update(piece);
      },
      end: () => {
        const delivery = { bytes, sha256: hash ? hash.digest('hex') : null };
        this.deliveries.push(delivery);
        this.delivered(delivery);
        if (this.waiter && this.deliveries.length >= this.waiter.count) this.waiter.resolve(this.deliveries.slice(0, this.waiter.count));
      },
    };
  };
}

/**
 * Whether each delivery is intact: its SHA-256 is the pattern's for its length (sha256 mode), and
 * the delivered lengths are the sent lengths (transfers of a run may finish in any order, so they
 * are compared as sorted lists). Returns one verdict per delivery.
 */
export function checkDeliveries(deliveries: readonly Delivery[], sentBytes: readonly number[], pattern: ChunkPattern): boolean[] {
  const sorted = (list: readonly number[]) => [...list].sort((a, b) => a - b).join(',');
  const lengthsMatch = sorted(deliveries.map((d) => d.bytes)) === sorted(sentBytes);
  return deliveries.map((d) => lengthsMatch && (d.sha256 === null || d.sha256 === pattern.sha256(d.bytes)));
}
