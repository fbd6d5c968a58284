/**
 * The v1 handshake (RFC-0002 §4–§5) as a Handshake: HELLO = node id, challenge and a truncated
 * HMAC of them; ACCEPT = a random token and a truncated HMAC of the token alone. Nothing binds the
 * ACCEPT to the HELLO, no frame is protected afterwards, and a v1 client never learns the server's
 * id: the lab measures what those gaps allow (scenarios/threats/).
 */
import { decodeAccept, ACCEPT_SIZE } from '../wire/accept.ts';
import { decodeHello, HELLO_SIZE } from '../wire/hello.ts';
import type { Handshake, HandshakeConfig, HandshakeVerdict } from './handshake.ts';
import { signAccept, signHello, verifyAccept, verifyHello, type V1Keys } from './v1-auth.ts';

export class V1Handshake implements Handshake {
  readonly helloSize = HELLO_SIZE;
  readonly acceptSize = ACCEPT_SIZE;
  readonly clientConfirms = false;
  private readonly keys: V1Keys;

  constructor(private readonly config: HandshakeConfig) {
    this.keys = { crypto: config.crypto, apiKey: config.apiKey };
  }

  hello(): Uint8Array {
    return signHello(this.keys, this.config.nodeId, this.config.random.u32());
  }

  onHello(payload: Uint8Array, clock: { now: number }): HandshakeVerdict {
    const hello = decodeHello(payload);
    if (!verifyHello(this.keys, hello)) return { ok: false, failure: 'bad-signature', detail: 'HELLO signature does not verify' };
    const verdict = this.config.helloReplay?.check(hello.challenge, clock.now);
    if (verdict === 'replay') return { ok: false, failure: 'replay', detail: `HELLO challenge ${hello.challenge} seen before` };
    if (verdict === 'full') return { ok: false, failure: 'replay-cache-full', detail: 'HELLO replay cache is full' };
    const token = this.config.random.bytes(8);
    return { ok: true, accept: signAccept(this.keys, token), session: { token, peerNodeId: hello.nodeId, protection: null } };
  }

  onAccept(payload: Uint8Array): HandshakeVerdict {
    const accept = decodeAccept(payload);
    if (!verifyAccept(this.keys, accept.token, accept.sig)) return { ok: false, failure: 'bad-signature', detail: 'ACCEPT signature does not verify' };
    return { ok: true, session: { token: accept.token, peerNodeId: null, protection: null } };
  }
}
