/**
 * A byte queue addressed by absolute stream offsets and made of the chunks that were appended, kept
 * as they are (no copy on append). Reading hands out views of those chunks; only a read that spans two
 * chunks copies. Serves as the TCP send buffer (segments are cut from it, then released on ACK) and
 * as the receive buffer the application reads from.
 */
const EMPTY = new Uint8Array(0);

export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private starts: number[] = [];
  private head = 0;
  private cursor = 0; // chunk index of the last lookup: reads are mostly sequential
  private first: number;
  private last: number;

  constructor(startOffset = 0) {
    this.first = startOffset;
    this.last = startOffset;
  }

  /** Offset of the first byte held. */
  get start(): number {
    return this.first;
  }

  /** Offset just past the last byte held. */
  get end(): number {
    return this.last;
  }

  get length(): number {
    return this.last - this.first;
  }

  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.starts.push(this.last);
    this.last += bytes.length;
  }

  /** At most `maxLength` bytes from `offset` (start <= offset < end), as a view inside one chunk. */
  view(offset: number, maxLength: number): Uint8Array {
    const index = this.find(offset);
    const chunk = this.chunks[index]!;
    const from = offset - this.starts[index]!;
    const to = Math.min(chunk.length, from + maxLength);
    return from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to); // a whole chunk as it is: no new view
  }

  /** Exactly `length` bytes from `offset`: a view when they lie in one chunk, a copy otherwise. */
  slice(offset: number, length: number): Uint8Array {
    const firstPiece = this.view(offset, length);
    if (firstPiece.length === length) return firstPiece;
    const out = new Uint8Array(length);
    out.set(firstPiece);
    let filled = firstPiece.length;
    while (filled < length) {
      const piece = this.view(offset + filled, length - filled);
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }

  /** Forgets every byte before `offset`. */
  release(offset: number): void {
    this.first = Math.max(this.first, Math.min(offset, this.last));
    const chunks = this.chunks;
    while (this.head < chunks.length && this.starts[this.head]! + chunks[this.head]!.length <= this.first) {
      chunks[this.head] = EMPTY; // let the bytes go
      this.head++;
    }
    if (this.head === chunks.length) {
      this.chunks = [];
      this.starts = [];
      this.head = 0;
      this.cursor = 0;
    } else if (this.head > 1024 && this.head * 2 > chunks.length) {
      this.chunks = chunks.slice(this.head);
      this.starts = this.starts.slice(this.head);
      this.cursor = Math.max(0, this.cursor - this.head);
      this.head = 0;
    }
  }

  private contains(index: number, offset: number): boolean {
    const start = this.starts[index];
    return start !== undefined && index >= this.head && start <= offset && offset < start + this.chunks[index]!.length;
  }

  private find(offset: number): number {
    if (offset < this.first || offset >= this.last) {
      throw new RangeError(`offset ${offset} outside [${this.first}, ${this.last})`);
    }
    if (this.contains(this.cursor, offset)) return this.cursor;
    if (this.contains(this.cursor + 1, offset)) return ++this.cursor;
    let low = this.head;
    let high = this.chunks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    this.cursor = low;
    return low;
  }
}
