/**
 * Out-of-order segments waiting for a gap before them to fill: disjoint byte ranges sorted by offset.
 * A segment overlapping data already held only fills the gaps (the first copy of a byte wins), so
 * retransmissions cut at other boundaries are handled. The simulator's TCP receiver and the
 * attacks' passive tap (attacks/simulated/adversary/frame-sniffer.ts) both reassemble with it.
 */
interface Piece {
  start: number;
  end: number;
  data: Uint8Array;
}

export class Reassembly {
  private pieces: Piece[] = [];

  get isEmpty(): boolean {
    return this.pieces.length === 0;
  }

  /** Disjoint ranges held (a segment that fills several gaps counts once per gap). */
  get pieceCount(): number {
    return this.pieces.length;
  }

  insert(start: number, data: Uint8Array): void {
    const end = start + data.length;
    const pieces = this.pieces;
    const lastPiece = pieces[pieces.length - 1];
    if (lastPiece === undefined || start >= lastPiece.end) {
      pieces.push({ start, end, data });
      return;
    }
    let index = this.firstEndingAfter(start);
    let cursor = start;
    const add = (from: number, to: number): void => {
      pieces.splice(index++, 0, { start: from, end: to, data: data.subarray(from - start, to - start) });
    };
    while (cursor < end && index < pieces.length && pieces[index]!.start < end) {
      const existing = pieces[index]!;
      if (existing.start > cursor) add(cursor, existing.start);
      cursor = Math.max(cursor, existing.end);
      index++;
    }
    if (cursor < end) add(cursor, end);
  }

  /** Removes and returns the data that continues the stream at `next`, in order. */
  takeFrom(next: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let count = 0;
    for (const piece of this.pieces) {
      if (piece.start > next) break;
      if (piece.end > next) {
        out.push(piece.data.subarray(next - piece.start));
        next = piece.end;
      }
      count++;
    }
    if (count > 0) this.pieces.splice(0, count);
    return out;
  }

  private firstEndingAfter(offset: number): number {
    let low = 0;
    let high = this.pieces.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.pieces[mid]!.end <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
