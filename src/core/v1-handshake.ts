/**
 * The v1 handshake (RFC-0002 §4–§5): HELLO = node id, challenge and a truncated HMAC of them;
 * ACCEPT = a random token and a truncated HMAC of the token alone. Nothing binds the ACCEPT to the
 * HELLO, no frame is protected afterwards, and a v1 client never learns the server's id: the lab
 * measures what those gaps allow (scenarios/threats/). Discovery signs with the API key itself and
 * hashes the community string as given (RFC-0002 §3).
 */
import { decodeAccept, ACCEPT_SIZE } from '../wire/accept.ts';
import { FrameType } from '../wire/frame.ts';
import { decodeHello, HELLO_SIZE } from '../wire/hello.ts';
import { checkV1Key } from './api-key.ts';
import type { Handshake, HandshakeClock, HandshakeConfig, HandshakeKind, HandshakeVerdict } from './handshake.ts';
import { signAccept, signHello, verifyAccept, verifyHello, type V1Keys } from './v1-auth.ts';

export interface V1Security {
  kind: 'v1';
}

export class V1Handshake implements Handshake {
  private readonly keys: V1Keys;

  constructor(private readonly config: HandshakeConfig) {
    this.keys = { crypto: config.crypto, apiKey: checkV1Key(config.apiKey).key };
  }

  initiate(): Uint8Array {
    return signHello(this.keys, this.config.nodeId, this.config.random.u32());
  }

  receive(message: string, payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    if (message === 'hello') return this.onHello(payload, clock);
    if (message === 'accept') return this.onAccept(payload);
    throw new Error(`v1 has no ${message} message`);
  }

  private onHello(payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    const hello = decodeHello(payload);
    if (!verifyHello(this.keys, hello)) return { ok: false, failure: 'bad-signature', detail: 'HELLO signature does not verify' };
    const verdict = this.config.helloReplay?.check(hello.challenge, clock.now);
    if (verdict === 'replay') return { ok: false, failure: 'replay', detail: `HELLO challenge ${hello.challenge} seen before` };
    if (verdict === 'full') return { ok: false, failure: 'replay-cache-full', detail: 'HELLO replay cache is full' };
    const token = this.config.random.bytes(8);
    return { ok: true, reply: signAccept(this.keys, token), session: { token, peerNodeId: hello.nodeId, protection: null } };
  }

  private onAccept(payload: Uint8Array): HandshakeVerdict {
    const accept = decodeAccept(payload);
    if (!verifyAccept(this.keys, accept.token, accept.sig)) return { ok: false, failure: 'bad-signature', detail: 'ACCEPT signature does not verify' };
    return { ok: true, session: { token: accept.token, peerNodeId: null, protection: null } };
  }
}

export const V1_HANDSHAKE: HandshakeKind<V1Security> = {
  name: 'v1',
  messages: [
    { name: 'hello', frameType: FrameType.HELLO, from: 'client', size: HELLO_SIZE, sealed: false },
    { name: 'accept', frameType: FrameType.ACCEPT, from: 'server', size: ACCEPT_SIZE, sealed: false },
  ],
  tagSize: 0,
  checkKey: checkV1Key,
  createHandshake: (config) => new V1Handshake(config),
  discoveryDomain: (crypto, apiKey, community) => ({ keys: { crypto, apiKey }, community }),
};
