/**
 * CONTROL frames are reserved by RFC-0001, and a v1 peer ignores them (§9.2: unknown or reserved
 * frames are ignored), so the lab uses one, and only one, as an extension: a delivery receipt the
 * receiver sends when a stream's END arrives, so a sender can learn that its bytes were delivered.
 * Payload: kind u8 (=1) · bytes u64 · frames u32, 13 bytes; stream_id = the stream; seq = 0.
 * A peer that does not know it (the Python reference) drops it without harm.
 *
 * Over a transport with no close of its own (stt over UDP), a second kind says the session ends:
 * the close notice, kind u8 (=2) alone, on stream 0, seq 0, sealed like every frame of the session.
 */
import { WireError } from './errors.ts';
import { requireUint, view } from './bytes.ts';

export const CONTROL_RECEIPT = 1;
export const RECEIPT_SIZE = 13;
export const CONTROL_CLOSE_NOTICE = 2;

export interface StreamReceipt {
  bytes: number;
  frames: number;
}

export function encodeReceipt(receipt: StreamReceipt): Uint8Array {
  if (!Number.isSafeInteger(receipt.bytes) || receipt.bytes < 0) throw new WireError('bad-field', `receipt bytes must be a safe non-negative integer, got ${receipt.bytes}`);
  requireUint('receipt frames', receipt.frames, 32);
  const out = new Uint8Array(RECEIPT_SIZE);
  const v = view(out);
  v.setUint8(0, CONTROL_RECEIPT);
  v.setBigUint64(1, BigInt(receipt.bytes));
  v.setUint32(9, receipt.frames);
  return out;
}

/** The receipt in a CONTROL payload, or null for any other CONTROL payload (which stays ignored). */
export function decodeReceipt(payload: Uint8Array): StreamReceipt | null {
  if (payload.length !== RECEIPT_SIZE || payload[0] !== CONTROL_RECEIPT) return null;
  const v = view(payload);
  const bytes = v.getBigUint64(1);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { bytes: Number(bytes), frames: v.getUint32(9) };
}

export function encodeCloseNotice(): Uint8Array {
  return Uint8Array.of(CONTROL_CLOSE_NOTICE);
}

export function isCloseNotice(payload: Uint8Array): boolean {
  return payload.length === 1 && payload[0] === CONTROL_CLOSE_NOTICE;
}
