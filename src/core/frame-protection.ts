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
import { concatBytes } from '../wire/bytes.ts';
import { GCM_NONCE_SIZE, GCM_TAG_SIZE, type Aes256Gcm } from '../crypto/backend.ts';

export interface FrameProtection {
  /** Bytes a protected frame carries after its (possibly encrypted) payload. */
  readonly tagSize: number;
  /** The parts to send after `header` (which already counts the tag in its length); `now` is the connection's clock, for protections whose keys age. */
  seal(header: Uint8Array, payload: Uint8Array, now?: number): Uint8Array[];
  /** Starts opening the next received frame, whose body (payload and tag) will come in pieces. */
  beginOpen(header: Uint8Array, bodyLength: number): FrameOpener;
  /** The payload of a received frame given whole, or null when it does not authenticate. */
  open(header: Uint8Array, body: Uint8Array): Uint8Array | null;
}

/** One received frame being checked: the body in pieces, cut anywhere, then the verdict. */
export interface FrameOpener {
  take(piece: Uint8Array): void;
  /** The payload in pieces (views of the input in the integrity suite: nothing copied), or null when the frame does not authenticate. */
  finish(): Uint8Array[] | null;
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

  beginOpen(header: Uint8Array, bodyLength: number): FrameOpener {
    const opening = this.gcm.beginOpen(this.keys.receive, this.nonceFor(this.received++));
    opening.aad(header);
    const payloadLength = bodyLength - GCM_TAG_SIZE;
    const encrypt = this.encrypt;
    const payload: Uint8Array[] = [];
    const tag = new Uint8Array(GCM_TAG_SIZE);
    let taken = 0;
    return {
      take(piece) {
        const inPayload = Math.max(0, Math.min(piece.length, payloadLength - taken));
        if (inPayload > 0) {
          const part = piece.subarray(0, inPayload);
          if (encrypt) payload.push(opening.decrypt(part));
          else {
            opening.aad(part);
            payload.push(part);
          }
        }
        const tagPart = piece.subarray(inPayload);
        const tagAt = taken + inPayload - payloadLength;
        if (tagPart.length > 0 && tagAt >= 0 && tagAt + tagPart.length <= GCM_TAG_SIZE) tag.set(tagPart, tagAt);
        taken += piece.length;
      },
      finish() {
        if (payloadLength < 0 || taken !== bodyLength) return null;
        const result = opening.finish(tag);
        if (!result.ok) return null;
        if (result.rest.length > 0) payload.push(result.rest);
        return payload.filter((part) => part.length > 0);
      },
    };
  }

  open(header: Uint8Array, body: Uint8Array): Uint8Array | null {
    const opener = this.beginOpen(header, body.length);
    opener.take(body);
    const payload = opener.finish();
    if (payload === null) return null;
    return payload.length === 1 ? payload[0]! : concatBytes(...payload);
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
