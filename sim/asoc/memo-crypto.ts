/**
 * A CryptoBackend that remembers recent HMAC results, for the simulator's wall-clock speed only.
 *
 * On one broadcast domain every announcement is verified by every other node: with 1,000 nodes the
 * same 34 bytes go through HMAC-SHA256 under the same key 999 times. HMAC is a pure function, so
 * answering a repeat from memory changes no verdict and no simulated time (CPU cost in virtual time
 * is the frame-cost model's job, not the wall clock's). Only small inputs (handshake and discovery
 * messages) are remembered, keyed by the key's content and the input's content: nodes that share an
 * API key usually hold it in separate arrays (a scenario encodes it once per node), so keying by the
 * array would remember nothing across nodes. An input is found by a hash of its bytes and then
 * compared with a copy of the remembered input byte for byte (no string built per HMAC), so only
 * an identical input gets a remembered answer. The memory is emptied when full.
 */
import { DEFAULT_BACKEND, type CryptoBackend } from '../../src/crypto/backend.ts';

const MAX_REMEMBERED_INPUT = 64;
/** Distinct keys remembered at once (a brute-force run tries many); beyond it the memory starts over. */
const MAX_REMEMBERED_KEYS = 1_024;

export interface MemoizingBackend extends CryptoBackend {
  /** HMACs asked for, and those actually computed (the rest came from memory). */
  readonly hmacStats: { requested: number; computed: number };
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** One remembered HMAC: its input (a copy) and result, and the next one whose input hashes alike. */
interface Remembered {
  readonly input: Uint8Array;
  readonly mac: Uint8Array;
  readonly next: Remembered | undefined;
}

/** What one key's HMACs remember, found by a hash of the input and then compared byte for byte. */
interface Memory {
  readonly byHash: Map<number, Remembered>;
  size: number;
}

/** FNV-1a over the bytes, cut to 30 bits so the map key stays a small integer: no string per lookup. */
export function contentHash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h & 0x3fffffff;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function memoizingBackend(inner: CryptoBackend, capacity = 16_384): MemoizingBackend {
  /** Key content → (hash of the input → what was remembered with inputs of that hash). */
  let byKeyContent = new Map<string, Memory>();
  /** Each key array's memory, so the key's content is read once per array, not once per HMAC. */
  let byKeyArray = new WeakMap<Uint8Array, Memory>();
  const memoryOf = (key: Uint8Array): Memory => {
    let memory = byKeyArray.get(key);
    if (memory !== undefined) return memory;
    const content = latin1(key);
    memory = byKeyContent.get(content);
    if (memory === undefined) {
      if (byKeyContent.size >= MAX_REMEMBERED_KEYS) {
        byKeyContent = new Map();
        byKeyArray = new WeakMap();
      }
      byKeyContent.set(content, (memory = { byHash: new Map(), size: 0 }));
    }
    byKeyArray.set(key, memory);
    return memory;
  };
  const hmacStats = { requested: 0, computed: 0 };
  return {
    name: inner.name,
    hmacStats,
    sha256: (data) => inner.sha256(data),
    hkdfSha256: (ikm, salt, info, length) => inner.hkdfSha256(ikm, salt, info, length),
    aes256gcm: inner.aes256gcm,
    hmacSha256: (key, data) => {
      hmacStats.requested++;
      if (data.length > MAX_REMEMBERED_INPUT) {
        hmacStats.computed++;
        return inner.hmacSha256(key, data);
      }
      const memory = memoryOf(key);
      const hash = contentHash(data);
      let remembered = memory.byHash.get(hash);
      while (remembered !== undefined && !sameBytes(remembered.input, data)) remembered = remembered.next;
      if (remembered !== undefined) return remembered.mac.slice(); // callers own what they get
      hmacStats.computed++;
      const mac = inner.hmacSha256(key, data);
      if (memory.size >= capacity) {
        memory.byHash.clear();
        memory.size = 0;
      }
      memory.byHash.set(hash, { input: data.slice(), mac, next: memory.byHash.get(hash) });
      memory.size++;
      return mac.slice(); // callers own what they get
    },
  };
}

/** The default backend of simulated nodes: node:crypto, remembered. */
export const SIM_CRYPTO: MemoizingBackend = memoizingBackend(DEFAULT_BACKEND);
