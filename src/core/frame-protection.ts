/**
 * Per-frame protection of asoc-hardened (docs/asoc-hardened.md §5): every frame after the handshake
 * carries a 16-byte AES-256-GCM tag over its header and payload; the `encrypted` suite also
 * encrypts the payload. Each direction has its own key, and the GCM nonce is that direction's frame
 * counter, never sent: a frame injected, modified, dropped, reordered or replayed — on this or any
 * other connection — fails to authenticate.
 *
 * A frame's header (whose length counts the tag) is authenticated as it is on the wire, so nobody
 * can change its type, stream, seq or length either.
 *
 * No key protects more than `rekey.afterBytes` (header and payload bytes of the frames it sealed):
 * the frame that reaches it is the last under that key, and both sides then replace the direction's
 * key by `rekey.next(key)`, at the same frame, with no message and no byte lost. The frame counter
 * (the nonce) runs on across keys; a direction refuses to go past `maxFrames` frames, far below the
 * counter's end (`exhausted`: the connection closes rather than reuse a nonce).
 */
import { GCM_NONCE_SIZE, GCM_TAG_SIZE, type Aes256Gcm, type GcmOpening, type GcmSealing } from '../crypto/backend.ts';
import { concatBytes } from '../wire/bytes.ts';

export interface FrameProtection {
  /** Bytes a protected frame carries after its (possibly encrypted) payload. */
  readonly tagSize: number;
  /** A direction has sealed, or opened, as many frames as it may: the connection must close (default: never). */
  readonly exhausted?: boolean;
  /** How keys were used so far, both directions: key changes, and the most bytes one key protected. */
  readonly usage?: KeyUsage;
  /** The parts to send after `header` (which already counts the tag in its length); `now` is the connection's clock, for protections whose keys age. */
  seal(header: Uint8Array, payload: Uint8Array, now?: number): Uint8Array[];
  /** Starts opening the next received frame, whose body (payload and tag) will come in pieces. */
  beginOpen(header: Uint8Array, bodyLength: number): FrameOpener;
  /** The payload of a received frame given whole, or null when it does not authenticate. */
  open(header: Uint8Array, body: Uint8Array): Uint8Array | null;
  /** True when `prepare` has work to do. */
  readonly unprepared?: boolean;
  /** Does now, while nothing waits, what the next frames' sealing and opening can do ahead of them (optional). */
  prepare?(): void;
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

export interface KeyUsage {
  keyUpdates: number;
  mostBytesUnderOneKey: number;
}

/** When a direction's key is replaced, and by what. */
export interface Rekey {
  afterBytes: number;
  next(key: Uint8Array): Uint8Array;
}

/** Frames one direction may protect: 2^48, far below the 64-bit counter's end (and JavaScript's 2^53). */
export const MAX_FRAMES_PER_DIRECTION = 2 ** 48;

/** One direction's key, the frames it has counted and the bytes under its current key. */
class DirectionKey {
  frames = 0;
  private bytes = 0;

  constructor(
    public key: Uint8Array,
    private readonly rekey: Rekey | null,
    private readonly usage: KeyUsage,
  ) {}

  /** The key for the next frame, of `bytes` header and payload bytes, and its counter; the key changes after it when it reaches the threshold. */
  take(bytes: number): { key: Uint8Array; counter: number } {
    const taken = { key: this.key, counter: this.frames++ };
    this.bytes += bytes;
    this.usage.mostBytesUnderOneKey = Math.max(this.usage.mostBytesUnderOneKey, this.bytes);
    if (this.rekey && this.bytes >= this.rekey.afterBytes) {
      this.key = this.rekey.next(this.key);
      this.bytes = 0;
      this.usage.keyUpdates++;
    }
    return taken;
  }
}

/** Frames each direction has a cipher context made ahead for (`prepare`). */
export const CONTEXTS_AHEAD = 4;

/**
 * Cipher contexts made ahead for one direction's next frames, each for the key current when it was
 * made and one counter. A context is handed out once, and only for its own key and counter: a
 * key that changed since leaves every context made under the old one unused, so a nonce is never
 * used with a context made for another frame.
 */
class ContextsAhead<Context> {
  private readonly made: { key: Uint8Array; counter: number; context: Context }[] = [];

  constructor(private readonly make: (key: Uint8Array, counter: number) => Context) {}

  /** The context for this frame: the one made ahead, or a new one. */
  take(key: Uint8Array, counter: number): Context {
    while (this.made.length > 0) {
      const first = this.made.shift()!;
      if (first.key === key && first.counter === counter) return first.context;
      if (first.counter > counter) break;
    }
    this.made.length = 0;
    return this.make(key, counter);
  }

  /** Contexts for the next frames, from `nextCounter` on, under `key`, up to `ahead` of them (none at or past `end`). */
  fill(key: Uint8Array, nextCounter: number, ahead: number, end: number): void {
    if (this.made.length > 0 && this.made[0]!.key !== key) this.made.length = 0;
    for (let counter = nextCounter + this.made.length; this.made.length < ahead && counter < end; counter++) {
      this.made.push({ key, counter, context: this.make(key, counter) });
    }
  }

  missing(ahead: number): boolean {
    return this.made.length < ahead;
  }
}

export class GcmFrameProtection implements FrameProtection {
  readonly tagSize = GCM_TAG_SIZE;
  readonly usage: KeyUsage = { keyUpdates: 0, mostBytesUnderOneKey: 0 };
  private readonly send: DirectionKey;
  private readonly receive: DirectionKey;
  private readonly nonce = new Uint8Array(GCM_NONCE_SIZE);
  private readonly sealings: ContextsAhead<GcmSealing>;
  private readonly openings: ContextsAhead<GcmOpening>;

  constructor(
    gcm: Aes256Gcm,
    keys: DirectionKeys,
    private readonly encrypt: boolean,
    rekey: Rekey | null = null,
    private readonly maxFrames = MAX_FRAMES_PER_DIRECTION,
  ) {
    this.send = new DirectionKey(keys.send, rekey, this.usage);
    this.receive = new DirectionKey(keys.receive, rekey, this.usage);
    this.sealings = new ContextsAhead((key, counter) => gcm.beginSeal(key, this.nonceFor(counter)));
    this.openings = new ContextsAhead((key, counter) => gcm.beginOpen(key, this.nonceFor(counter)));
  }

  get unprepared(): boolean {
    return this.sealings.missing(CONTEXTS_AHEAD) || this.openings.missing(CONTEXTS_AHEAD);
  }

  /** Makes the cipher contexts of each direction's next frames (node:crypto: one per frame). */
  prepare(): void {
    this.sealings.fill(this.send.key, this.send.frames, CONTEXTS_AHEAD, this.maxFrames);
    this.openings.fill(this.receive.key, this.receive.frames, CONTEXTS_AHEAD, this.maxFrames);
  }

  get exhausted(): boolean {
    return this.send.frames >= this.maxFrames || this.receive.frames >= this.maxFrames;
  }

  seal(header: Uint8Array, payload: Uint8Array): Uint8Array[] {
    if (this.send.frames >= this.maxFrames) throw new RangeError(`no more than ${this.maxFrames} frames under one session: the connection must close (check exhausted first)`);
    const { key, counter } = this.send.take(header.length + payload.length);
    const sealing = this.sealings.take(key, counter);
    sealing.aad(header);
    if (this.encrypt) {
      const head = sealing.encrypt(payload);
      const { rest, tag } = sealing.finish();
      const ciphertext = joined(head, rest);
      return ciphertext.length > 0 ? [ciphertext, tag] : [tag];
    }
    sealing.aad(payload);
    const { tag } = sealing.finish();
    return payload.length > 0 ? [payload, tag] : [tag];
  }

  beginOpen(header: Uint8Array, bodyLength: number): FrameOpener {
    const { opening, payloadLength } = this.nextToOpen(header, bodyLength);
    opening.aad(header);
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

  /** No pieces to track: how a frame that arrived in one read is opened. */
  open(header: Uint8Array, body: Uint8Array): Uint8Array | null {
    const { opening, payloadLength } = this.nextToOpen(header, body.length);
    if (payloadLength < 0) return null;
    const payload = body.subarray(0, payloadLength);
    opening.aad(header);
    let head = payload;
    if (this.encrypt) head = opening.decrypt(payload);
    else opening.aad(payload);
    const result = opening.finish(body.subarray(payloadLength));
    if (!result.ok) return null;
    return joined(head, result.rest);
  }

  /** The cipher context of the next frame received (its bytes counted towards the key's limit), and its payload's length (negative: shorter than a tag). */
  private nextToOpen(header: Uint8Array, bodyLength: number): { opening: GcmOpening; payloadLength: number } {
    if (this.receive.frames >= this.maxFrames) throw new RangeError(`no more than ${this.maxFrames} frames under one session: the connection must close (check exhausted first)`);
    const payloadLength = bodyLength - GCM_TAG_SIZE;
    const { key, counter } = this.receive.take(header.length + Math.max(0, payloadLength));
    return { opening: this.openings.take(key, counter), payloadLength };
  }

  /** 4 zero bytes, then the counter as u64 (counters stay below 2^53: no session sends that many frames). */
  private nonceFor(counter: number): Uint8Array {
    const view = new DataView(this.nonce.buffer);
    view.setUint32(4, Math.floor(counter / 0x1_0000_0000));
    view.setUint32(8, counter >>> 0);
    return this.nonce;
  }
}

/** Two parts as one, without a copy when one is empty. */
function joined(head: Uint8Array, rest: Uint8Array): Uint8Array {
  if (rest.length === 0) return head;
  return head.length === 0 ? rest : concatBytes(head, rest);
}
