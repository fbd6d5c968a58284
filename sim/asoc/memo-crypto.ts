/**
 * A CryptoBackend that remembers recent HMAC results, for the simulator's wall-clock speed only.
 *
 * On one broadcast domain every announcement is verified by every other node: with 1,000 nodes the
 * same 34 bytes go through HMAC-SHA256 under the same key 999 times. HMAC is a pure function, so
 * answering a repeat from memory changes no verdict and no simulated time (CPU cost in virtual time
 * is the frame-cost model's job, not the wall clock's). Only small inputs (handshake and discovery
 * messages) are remembered, keyed by key object and content; the memory is emptied when full.
 */
import { DEFAULT_BACKEND, type CryptoBackend } from '../../src/crypto/backend.ts';

const MAX_REMEMBERED_INPUT = 64;

export interface MemoizingBackend extends CryptoBackend {
  /** HMACs asked for, and those actually computed (the rest came from memory). */
  readonly hmacStats: { requested: number; computed: number };
}

export function memoizingBackend(inner: CryptoBackend, capacity = 16_384): MemoizingBackend {
  const byKey = new WeakMap<Uint8Array, Map<string, Uint8Array>>();
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
      let memory = byKey.get(key);
      if (memory === undefined) byKey.set(key, (memory = new Map()));
      const content = Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1');
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
