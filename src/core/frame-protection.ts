/**
 * Per-frame protection of asoc-hardened (docs/asoc-hardened.md §5): every frame after the handshake
 * carries a 16-byte AES-256-GCM tag over its header and payload; the `encrypted` suite also
 * encrypts the payload. Each direction has its own key, and the GCM nonce is that direction's frame
 * counter, never sent: a frame injected, modified, dropped, reordered or replayed — on this or any
 * other connection — fails to authenticate.
 *
 * A frame's header (whose length counts the tag) is authenticated as it is on the wire, so nobody
 * can change its type, stream, seq or length either.
 */
import { GCM_NONCE_SIZE, GCM_TAG_SIZE, type Aes256Gcm } from '../crypto/backend.ts';

export interface FrameProtection {
  /** Bytes a protected frame carries after its (possibly encrypted) payload. */
  readonly tagSize: number;
  /** The parts to send after `header` (which already counts the tag in its length). */
  seal(header: Uint8Array, payload: Uint8Array): Uint8Array[];
  /** The payload of a received frame, or null when it does not authenticate. */
  open(header: Uint8Array, body: Uint8Array): Uint8Array | null;
}

export interface DirectionKeys {
  send: Uint8Array;
  receive: Uint8Array;
}

export class GcmFrameProtection implements FrameProtection {
  readonly tagSize = GCM_TAG_SIZE;
  private sent = 0;
  private received = 0;
  private readonly nonce = new Uint8Array(GCM_NONCE_SIZE);

  constructor(
    private readonly gcm: Aes256Gcm,
    private readonly keys: DirectionKeys,
    private readonly encrypt: boolean,
  ) {}

  seal(header: Uint8Array, payload: Uint8Array): Uint8Array[] {
    const nonce = this.nonceFor(this.sent++);
    if (this.encrypt) {
      const { ciphertext, tag } = this.gcm.seal(this.keys.send, nonce, [header], payload);
      return ciphertext.length > 0 ? [ciphertext, tag] : [tag];
    }
    const { tag } = this.gcm.seal(this.keys.send, nonce, [header, payload], EMPTY);
    return payload.length > 0 ? [payload, tag] : [tag];
  }

  open(header: Uint8Array, body: Uint8Array): Uint8Array | null {
    if (body.length < GCM_TAG_SIZE) return null;
    const split = body.length - GCM_TAG_SIZE;
    const data = body.subarray(0, split);
    const tag = body.subarray(split);
    const nonce = this.nonceFor(this.received++);
    if (this.encrypt) return this.gcm.open(this.keys.receive, nonce, [header], data, tag);
    return this.gcm.open(this.keys.receive, nonce, [header, data], EMPTY, tag) === null ? null : data;
  }

  /** 4 zero bytes, then the counter as u64 (counters stay below 2^53: no session sends that many frames). */
  private nonceFor(counter: number): Uint8Array {
    const view = new DataView(this.nonce.buffer);
    view.setUint32(4, Math.floor(counter / 0x1_0000_0000));
    view.setUint32(8, counter >>> 0);
    return this.nonce;
  }
}

const EMPTY = new Uint8Array(0);
