/**
 * Frame protection of the stt profile (docs/stt.md §5): every frame after the handshake is
 * encrypted with an AEAD (aead.ts: the one cipher interface), under a key per direction that
 * rotates when the sender has sent a number of bytes or frames, or held the key for a time,
 * whichever comes first. A sealed frame's body is
 *
 *   epoch u8 · ciphertext · tag          AAD = the frame's 14-byte header · epoch · session id
 *
 * The epoch byte tells the receiver when the sender moved on: it ratchets its key forward once, on
 * the first frame of the next epoch that authenticates under the next key, and forgets the old one.
 * Frames of one direction arrive in order over the lab's transports, so every frame of the old
 * epoch was opened before the first of the new one: rotation interrupts no stream and loses no
 * byte. The AEAD nonce is the direction's frame counter (never reset, never sent), so a frame
 * dropped, replayed, reordered or moved to another connection fails to open.
 *
 * Over UDP (`nonces: 'carried'`) frames of different streams overtake each other, so the receiver
 * cannot count: the counter travels after the epoch (u64, authenticated as the nonce), a window of
 * the counters opened refuses a repeat, and the previous epoch's key is kept so that a frame sealed
 * just before a rotation still opens after it (one older than that does not).
 */
import type { Aead } from '../crypto/aead.ts';
import type { CryptoBackend } from '../crypto/backend.ts';
import { concatBytes, u32be } from '../wire/bytes.ts';
import { CounterWindow } from './counter-window.ts';
import type { DirectionKeys, FrameOpener, FrameProtection } from './frame-protection.ts';

/** Rotate a direction's key when any of these is reached since its last rotation. */
export interface RotationThresholds {
  readonly bytes: number;
  readonly messages: number;
  readonly ms: number;
}

/** How the receiver knows a frame's nonce: by counting (in-order transports) or from the frame (UDP). */
export type SttNonces = 'counted' | 'carried';

const EPOCH_SIZE = 1;
const COUNTER_SIZE = 8;
/** Counters a carried-nonce receiver remembers below the highest it opened: a frame older than that fails. */
export const CARRIED_NONCE_WINDOW = 4096;
const ROTATION_INFO = new TextEncoder().encode('stt-lab/1 key rotation');

/** One direction's key and what it has carried since it was made. */
interface Direction {
  key: Uint8Array;
  /** Rotations so far; the wire carries its low 8 bits. */
  epoch: number;
  /** Frames sealed (or opened) under any key of this direction: the nonce. */
  counter: number;
  /** Carried nonces: the key of the epoch before this one, for frames that were overtaken (null before the first rotation). */
  previousKey: Uint8Array | null;
  bytes: number;
  messages: number;
  since: number;
}

export class SttFrameProtection implements FrameProtection {
  readonly tagSize: number;
  private readonly send: Direction;
  private readonly receive: Direction;
  private readonly nonce: Uint8Array;
  private readonly prefixSize: number;
  /** Carried nonces: the counters opened (null when counted). */
  private readonly opened: CounterWindow | null;

  constructor(
    private readonly aead: Aead,
    private readonly crypto: CryptoBackend,
    keys: DirectionKeys,
    private readonly sessionId: Uint8Array,
    private readonly rotation: RotationThresholds,
    startedAt: number,
    nonces: SttNonces = 'counted',
  ) {
    this.prefixSize = EPOCH_SIZE + (nonces === 'carried' ? COUNTER_SIZE : 0);
    this.tagSize = this.prefixSize + aead.tagSize;
    this.nonce = new Uint8Array(aead.nonceSize);
    this.opened = nonces === 'carried' ? new CounterWindow(CARRIED_NONCE_WINDOW) : null;
    this.send = { key: keys.send, epoch: 0, counter: 0, previousKey: null, bytes: 0, messages: 0, since: startedAt };
    this.receive = { key: keys.receive, epoch: 0, counter: 0, previousKey: null, bytes: 0, messages: 0, since: startedAt };
  }

  seal(header: Uint8Array, payload: Uint8Array, now?: number): Uint8Array[] {
    const send = this.send;
    if (this.rotationDue(send, now)) this.rotate(send, now ?? send.since);
    const prefix = new Uint8Array(this.prefixSize);
    prefix[0] = send.epoch & 0xff;
    if (this.opened) prefix.set(this.nonceFor(send.counter).subarray(-COUNTER_SIZE), EPOCH_SIZE);
    const sealed = this.aead.seal(send.key, this.nonceFor(send.counter++), this.aad(header, prefix), payload);
    send.bytes += payload.length;
    send.messages++;
    return [prefix, sealed];
  }

  beginOpen(header: Uint8Array, bodyLength: number): FrameOpener {
    const pieces: Uint8Array[] = [];
    let taken = 0;
    return {
      take(piece) {
        pieces.push(piece);
        taken += piece.length;
      },
      finish: () => {
        if (taken !== bodyLength) return null;
        const payload = this.open(header, pieces.length === 1 ? pieces[0]! : concatBytes(...pieces));
        if (payload === null) return null;
        return payload.length > 0 ? [payload] : [];
      },
    };
  }

  /** The payload, or null: too short, an epoch it has no key for, a counter opened before, or a tag that does not verify. */
  open(header: Uint8Array, body: Uint8Array): Uint8Array | null {
    if (body.length < this.tagSize) return null;
    const receive = this.receive;
    const epoch = body[0]!;
    const next = epoch === ((receive.epoch + 1) & 0xff);
    const previous = this.opened !== null && receive.previousKey !== null && epoch === ((receive.epoch - 1) & 0xff);
    if (!next && !previous && epoch !== (receive.epoch & 0xff)) return null;
    const counter = this.opened ? carriedCounter(body) : receive.counter;
    if (this.opened && this.opened.check(counter) !== 'fresh') return null;
    const key = next ? this.nextKey(receive) : previous ? receive.previousKey! : receive.key;
    const prefix = body.subarray(0, this.prefixSize);
    const payload = this.aead.open(key, this.nonceFor(counter), this.aad(header, prefix), body.subarray(this.prefixSize));
    if (payload === null) return null;
    receive.counter++;
    this.opened?.mark(counter);
    if (next) {
      if (this.opened) receive.previousKey = receive.key;
      receive.key = key;
      receive.epoch++;
    }
    return payload;
  }

  private rotationDue(direction: Direction, now: number | undefined): boolean {
    const { bytes, messages, ms } = this.rotation;
    if (direction.bytes >= bytes || direction.messages >= messages) return true;
    return now !== undefined && now - direction.since >= ms;
  }

  private rotate(direction: Direction, now: number): void {
    direction.key = this.nextKey(direction);
    direction.epoch++;
    direction.bytes = 0;
    direction.messages = 0;
    direction.since = now;
  }

  /** key_{n+1} = HKDF-SHA256(ikm = key_n, salt = session id, info = label ‖ n + 1 as u32). */
  private nextKey(direction: Direction): Uint8Array {
    const info = concatBytes(ROTATION_INFO, u32be((direction.epoch + 1) % 0x1_0000_0000));
    return this.crypto.hkdfSha256(direction.key, this.sessionId, info, this.aead.keySize);
  }

  /** header ‖ epoch (‖ carried counter) ‖ session id. */
  private aad(header: Uint8Array, prefix: Uint8Array): Uint8Array {
    return concatBytes(header, prefix, this.sessionId);
  }

  /** Zeros, then the counter as u64 in the last 8 bytes (counters stay below 2^53). */
  private nonceFor(counter: number): Uint8Array {
    const view = new DataView(this.nonce.buffer);
    const at = this.nonce.length - 8;
    view.setUint32(at, Math.floor(counter / 0x1_0000_0000));
    view.setUint32(at + 4, counter >>> 0);
    return this.nonce;
  }
}

/** The u64 counter after the epoch byte (a value above 2^53 reads as unsafe and fails to open). */
function carriedCounter(body: Uint8Array): number {
  const view = new DataView(body.buffer, body.byteOffset + EPOCH_SIZE, COUNTER_SIZE);
  return view.getUint32(0) * 0x1_0000_0000 + view.getUint32(4);
}
