/**
 * A CryptoBackend that remembers recent HMAC results, for the simulator's wall-clock speed only.
 *
 * On one broadcast domain every announcement is verified by every other node: with 1,000 nodes the
 * same 34 bytes go through HMAC-SHA256 under the same key 999 times. HMAC is a pure function, so
 * answering a repeat from memory changes no verdict and no simulated time (CPU cost in virtual time
 * is the frame-cost model's job, not the wall clock's). Only small inputs (handshake and discovery
 * messages) are remembered, keyed by the key's content and the input's content: nodes that share an
 * API key usually hold it in separate arrays (a scenario encodes it once per node), so keying by the
 * array would remember nothing across nodes. The memory is emptied when full.
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

/**
 * An input's content as a map key, built without a Buffer (millions per run): its length, then two
 * bytes per UTF-16 code unit (a trailing odd byte alone). The length first keeps the code one-to-one.
 */
function contentKey(bytes: Uint8Array): string {
  const n = bytes.length;
  const codes = new Array<number>((n >> 1) + 2);
  codes[0] = n;
  let k = 1;
  let i = 0;
  for (; i + 1 < n; i += 2) codes[k++] = (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < n) codes[k++] = bytes[i]!;
  codes.length = k;
  return String.fromCharCode(...codes);
}

export function memoizingBackend(inner: CryptoBackend, capacity = 16_384): MemoizingBackend {
  /** Key content → (input content → MAC). */
  let byKeyContent = new Map<string, Map<string, Uint8Array>>();
  /** Each key array's memory, so the key's content is read once per array, not once per HMAC. */
  let byKeyArray = new WeakMap<Uint8Array, Map<string, Uint8Array>>();
  const memoryOf = (key: Uint8Array): Map<string, Uint8Array> => {
    let memory = byKeyArray.get(key);
    if (memory !== undefined) return memory;
    const content = latin1(key);
    memory = byKeyContent.get(content);
    if (memory === undefined) {
      if (byKeyContent.size >= MAX_REMEMBERED_KEYS) {
        byKeyContent = new Map();
        byKeyArray = new WeakMap();
      }
      byKeyContent.set(content, (memory = new Map()));
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
      const content = contentKey(data);
      let mac = memory.get(content);
      if (mac === undefined) {
        hmacStats.computed++;
        mac = inner.hmacSha256(key, data);
        if (memory.size >= capacity) memory.clear();
        memory.set(content, mac);
      }
      return mac.slice(); // callers own what they get
    },
  };
}

/** The default backend of simulated nodes: node:crypto, remembered. */
export const SIM_CRYPTO: MemoizingBackend = memoizingBackend(DEFAULT_BACKEND);
