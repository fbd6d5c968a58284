/**
 * The JWT handshake of seed 000's "old way", built with `jose`, so claim P1 is measured with real
 * tokens instead of the seed's estimates (HELLO "~100 bytes", ACCEPT "~200 bytes").
 *
 * Over one TCP connection, each message one line of JSON (JWTs and this JSON hold no newline):
 *   client → server  {"type":"hello","node_id":<uuid string>,"token":<JWT>}
 *   server → client  {"type":"accept","node_id":<uuid string>,"session_token":<JWT>}
 * HELLO's JWT: iss = sub = the client's id, aud = the community, iat, exp (+60 s), jti (a nonce).
 * ACCEPT's JWT (the session token): iss = the server's id, sub = aud = the client's id, sid (a UUID),
 * iat, exp (+1 h), jti. Each side verifies the other's token (signature, algorithm, issuer,
 * audience, expiry) before the session is ready.
 *
 * Algorithms: HS256 keyed with the API key (v1's trust model: one shared secret), and EdDSA
 * (Ed25519) or ES256 (P-256) with a key pair per side whose public keys both sides know beforehand.
 *
 * Handshake-only: nothing is sent after ACCEPT, so this is not a Baseline (src/baselines/types.ts
 * has no transfers or echo to give it); the handshake bench uses it through `jwtHandshake()`, which
 * has the Baseline's serve/connect shape for exactly that.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { closeServer, listenOnLoopback, setupBytes, trackSockets } from './support.ts';
import { LOOPBACK, type BaselineServer, type ByteCounts } from './types.ts';

export const JWT_ALGORITHMS = ['HS256', 'EdDSA', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A handshake line longer than this is refused (a real token here is well under 1 KiB). */
export const MAX_LINE_BYTES = 8 * 1024;
const HELLO_LIFETIME_S = 60;
const SESSION_LIFETIME_S = 3600;
const HANDSHAKE_TIMEOUT_MS = 10_000;

export type JwtHandshakeFailure = 'bad-message' | 'bad-token' | 'too-long' | 'closed' | 'timeout';

export class JwtHandshakeError extends Error {
  override readonly name = 'JwtHandshakeError';
  constructor(
    readonly reason: JwtHandshakeFailure,
    message: string,
  ) {
    super(message);
  }
}

type SigningKey = CryptoKey | Uint8Array;

/** What one side signs with and what it checks the other side's tokens with. */
interface SideKeys {
  sign: SigningKey;
  verifyPeer: SigningKey;
}

export interface JwtHandshakeKeys {
  alg: JwtAlgorithm;
  community: string;
  client: SideKeys;
  server: SideKeys;
}

/** Keys for both sides: the API key for HS256, a fresh key pair per side otherwise. */
export async function jwtHandshakeKeys(alg: JwtAlgorithm, apiKey: Uint8Array, community: string): Promise<JwtHandshakeKeys> {
  if (alg === 'HS256') return { alg, community, client: { sign: apiKey, verifyPeer: apiKey }, server: { sign: apiKey, verifyPeer: apiKey } };
  const [client, server] = await Promise.all([generateKeyPair(alg), generateKeyPair(alg)]);
  return {
    alg,
    community,
    client: { sign: client.privateKey, verifyPeer: server.publicKey },
    server: { sign: server.privateKey, verifyPeer: client.publicKey },
  };
}

const encoder = new TextEncoder();
const line = (message: object): Uint8Array => encoder.encode(`${JSON.stringify(message)}\n`);

function sign(keys: JwtHandshakeKeys, key: SigningKey, claims: JWTPayload, nowS: number, lifetimeS: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: keys.alg, typ: 'JWT' })
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + lifetimeS)
    .setJti(randomUUID())
    .sign(key);
}

async function verify(keys: JwtHandshakeKeys, key: SigningKey, token: unknown, expect: { issuer: string; audience: string }, nowS: number): Promise<JWTPayload> {
  if (typeof token !== 'string') throw new JwtHandshakeError('bad-message', 'the token is not a string');
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: [keys.alg], issuer: expect.issuer, audience: expect.audience, currentDate: new Date(nowS * 1000) });
    return payload;
  } catch (err) {
    throw new JwtHandshakeError('bad-token', `token refused: ${(err as Error).message}`);
  }
}

function parseLine(bytes: Uint8Array, type: string): Record<string, unknown> {
  let message: unknown;
  try {
    message = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new JwtHandshakeError('bad-message', `${type}: not JSON`);
  }
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== type) {
    throw new JwtHandshakeError('bad-message', `expected a ${type} message`);
  }
  return message as Record<string, unknown>;
}

/** The client's HELLO line. */
export async function jwtHello(keys: JwtHandshakeKeys, clientId: string, nowS: number): Promise<Uint8Array> {
  const token = await sign(keys, keys.client.sign, { iss: clientId, sub: clientId, aud: keys.community }, nowS, HELLO_LIFETIME_S);
  return line({ type: 'hello', node_id: clientId, token });
}

/** The server checks a HELLO line and answers with its ACCEPT line; throws JwtHandshakeError. */
export async function jwtAccept(keys: JwtHandshakeKeys, serverId: string, hello: Uint8Array, nowS: number): Promise<{ clientId: string; accept: Uint8Array }> {
  const message = parseLine(hello, 'hello');
  const clientId = message.node_id;
  if (typeof clientId !== 'string') throw new JwtHandshakeError('bad-message', 'hello: node_id is not a string');
  await verify(keys, keys.server.verifyPeer, message.token, { issuer: clientId, audience: keys.community }, nowS);
  const session = await sign(keys, keys.server.sign, { iss: serverId, sub: clientId, aud: clientId, sid: randomUUID() }, nowS, SESSION_LIFETIME_S);
  return { clientId, accept: line({ type: 'accept', node_id: serverId, session_token: session }) };
}

/** The client checks the ACCEPT line; resolves with the session token's claims. */
export async function jwtCheckAccept(keys: JwtHandshakeKeys, clientId: string, accept: Uint8Array, nowS: number): Promise<JWTPayload> {
  const message = parseLine(accept, 'accept');
  const serverId = message.node_id;
  if (typeof serverId !== 'string') throw new JwtHandshakeError('bad-message', 'accept: node_id is not a string');
  return verify(keys, keys.client.verifyPeer, message.session_token, { issuer: serverId, audience: clientId }, nowS);
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Resolves with the socket's next line (newline included), or rejects: too long, closed, timed out. */
function readLine(socket: net.Socket): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let length = 0;
    const finish = (err: Error | null, value?: Uint8Array) => {
      socket.off('data', onData).off('close', onClose).off('error', onClose);
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value!);
    };
    const onData = (piece: Buffer) => {
      const end = piece.indexOf(0x0a);
      parts.push(end < 0 ? piece : piece.subarray(0, end + 1));
      length += end < 0 ? piece.length : end + 1;
      if (length > MAX_LINE_BYTES) return finish(new JwtHandshakeError('too-long', `a handshake line passed ${MAX_LINE_BYTES} bytes`));
      // The protocol sends nothing after its one line per side, so bytes past the newline are a violation.
      if (end >= 0 && end + 1 < piece.length) return finish(new JwtHandshakeError('bad-message', 'bytes after the handshake line'));
      if (end >= 0) finish(null, Buffer.concat(parts));
    };
    const onClose = () => finish(new JwtHandshakeError('closed', 'the connection closed during the handshake'));
    const timer = setTimeout(() => finish(new JwtHandshakeError('timeout', `no handshake line within ${HANDSHAKE_TIMEOUT_MS} ms`)), HANDSHAKE_TIMEOUT_MS);
    socket.on('data', onData).once('close', onClose).once('error', onClose);
  });
}

export interface HandshakeServeOptions {
  /** Called with each connection's bytes above TCP from accept until its handshake was done. */
  onSession?(setup: ByteCounts): void;
  onError?(err: Error): void;
}

export interface HandshakeClient {
  close(): Promise<void>;
}

/** A handshake-only protocol as the handshake bench drives it: serve, connect (ready = handshake done), close. */
export interface HandshakeProtocol {
  readonly name: string;
  readonly summary: string;
  serve(options: HandshakeServeOptions): Promise<BaselineServer>;
  connect(port: number): Promise<HandshakeClient>;
}

/** The JWT handshake over node:net on 127.0.0.1, with keys made once for the protocol's life. */
export function jwtHandshake(alg: JwtAlgorithm, apiKey: Uint8Array, community: string): HandshakeProtocol {
  const keys = jwtHandshakeKeys(alg, apiKey, community);
  const serverId = randomUUID();
  return {
    name: `jwt-${alg.toLowerCase()}`,
    summary: `seed 000's JSON + JWT handshake (jose, ${alg})`,
    async serve(options) {
      const k = await keys;
      const server = net.createServer({ noDelay: true }, (socket) => {
        socket.on('error', () => {});
        readLine(socket)
          .then((hello) => jwtAccept(k, serverId, hello, nowSeconds()))
          .then(({ accept }) => {
            socket.write(accept);
            options.onSession?.(setupBytes(socket));
          })
          .catch((err: Error) => {
            options.onError?.(err);
            socket.destroy();
          });
      });
      const sockets = trackSockets(server);
      const port = await listenOnLoopback(server);
      return { port, close: () => closeServer(server, sockets) };
    },
    async connect(port) {
      const k = await keys;
      const clientId = randomUUID();
      const socket = net.connect({ host: LOOPBACK, port, noDelay: true });
      socket.on('error', () => {});
      try {
        const reply = readLine(socket);
        socket.write(await jwtHello(k, clientId, nowSeconds()));
        await jwtCheckAccept(k, clientId, await reply, nowSeconds());
      } catch (err) {
        socket.destroy();
        throw err;
      }
      return {
        close: async () => {
          if (socket.destroyed) return;
          const closed = new Promise((resolve) => socket.once('close', resolve));
          socket.end(); // the server, not half-open, answers with its own FIN
          await closed;
        },
      };
    },
  };
}
