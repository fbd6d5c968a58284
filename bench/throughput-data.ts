/**
 * What the throughput sender sends: views into one random pattern buffer filled once, so making a
 * chunk costs nothing during the timed region and the buffer is never written after it is filled.
 *
 * The pattern is `chunkSize + 255` bytes and chunk i starts at offset i mod 256: every 256
 * consecutive chunks differ, so a receiver's SHA-256 also catches chunks dropped, duplicated or
 * reordered, which identical chunks would hide.
 */
import { createHash, randomBytes } from 'node:crypto';

const SHIFTS = 256;

export class ChunkPattern {
  private readonly pattern: Uint8Array;

  constructor(
    readonly totalBytes: number,
    readonly chunkSize: number,
  ) {
    this.pattern = new Uint8Array(randomBytes(chunkSize + SHIFTS - 1));
  }

  get chunkCount(): number {
    return Math.ceil(this.totalBytes / this.chunkSize);
  }

  /** The stream, chunk by chunk (the last one shorter when chunkSize does not divide totalBytes). */
  *chunks(): Generator<Uint8Array> {
    for (let i = 0; i < this.chunkCount; i++) {
      const offset = i % SHIFTS;
      const length = Math.min(this.chunkSize, this.totalBytes - i * this.chunkSize);
      yield this.pattern.subarray(offset, offset + length);
    }
  }

  /** SHA-256 (hex) of the whole stream: what the receiver must compute. Call it outside the timed region. */
  sha256(): string {
    const hash = createHash('sha256');
    for (const chunk of this.chunks()) hash.update(chunk);
    return hash.digest('hex');
  }
}
