/**
 * Did every stream arrive whole? Nodes hash what they receive (hashStreams); a completed stream is
 * intact when its SHA-256 is that of a generated stream of its length and one of the chunk sizes
 * the scenario's workloads send with (the generated pattern repeats per chunk).
 */
import { generatedStreamSha256, type SimAsocNode } from '../sim/asoc/index.ts';

export interface StreamCounts {
  intact: number;
  corrupt: number;
  aborted: number;
}

export class StreamIntegrity {
  private readonly hashes = new Map<string, string>();

  /** `chunkSizes`: every chunk size a workload sends with. */
  constructor(private readonly chunkSizes: readonly number[]) {}

  /** Counts what `node` receives from now on. */
  watch(node: SimAsocNode): StreamCounts {
    const counts: StreamCounts = { intact: 0, corrupt: 0, aborted: 0 };
    node.on('stream-end', (end) => {
      if (end.sha256 !== undefined && this.isGenerated(end.bytes, end.sha256)) counts.intact++;
      else counts.corrupt++;
    });
    node.on('stream-aborted', () => counts.aborted++);
    return counts;
  }

  private isGenerated(bytes: number, sha256: string): boolean {
    return this.chunkSizes.some((chunk) => this.expected(bytes, chunk) === sha256);
  }

  private expected(bytes: number, chunk: number): string {
    const key = `${bytes}/${chunk}`;
    let hash = this.hashes.get(key);
    if (hash === undefined) this.hashes.set(key, (hash = generatedStreamSha256(bytes, chunk)));
    return hash;
  }
}
