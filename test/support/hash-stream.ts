/** Reads an inbound stream to its end, as a receiver that checks what arrived: its length and SHA-256 (hex). */
import { createHash } from 'node:crypto';
import type { IncomingStream } from '../../src/driver/incoming-stream.ts';

export async function hashStream(stream: IncomingStream): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of stream) {
    hash.update(piece);
    bytes += piece.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
