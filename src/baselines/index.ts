/**
 * Every baseline the benchmarks can run, by name. Add a protocol by writing one module that
 * implements Baseline (types.ts) and listing it here.
 */
import { randomBytes } from 'node:crypto';
import { ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED, ASOC_HARDENED_X25519, ASOC_V1, STT, SUBDUCTION } from '../core/profile.ts';
import { asocBaseline } from './asoc.ts';
import { tlsTransport } from './asoc-tls.ts';
import { grpcStream, grpcUnary } from './grpc.ts';
import { http1 } from './http1.ts';
import { rawTcp } from './raw-tcp.ts';
import { selfSignedLoopbackCertificate } from './tls-cert.ts';
import { websocket } from './websocket.ts';
import type { Baseline, BaselineSecrets } from './types.ts';

export type { Baseline, BaselineSecrets } from './types.ts';

export const BASELINES: readonly Baseline[] = [
  rawTcp,
  asocBaseline({ name: 'asoc-v1', summary: 'ASoc v1 (the lab’s AsocNode, profile asoc-v1) over plain TCP', profile: ASOC_V1 }),
  asocBaseline({ name: 'asoc-hardened', summary: 'ASoc hardened profile (AES-GCM tag on every frame, payload in clear) over plain TCP', profile: ASOC_HARDENED }),
  asocBaseline({ name: 'asoc-hardened/encrypted', summary: 'ASoc hardened profile with AES-256-GCM encryption over plain TCP', profile: ASOC_HARDENED_ENCRYPTED }),
  asocBaseline({ name: 'asoc-hardened/x25519', summary: 'ASoc hardened profile with AES-256-GCM encryption and an ephemeral X25519 exchange (forward secrecy) over plain TCP', profile: ASOC_HARDENED_X25519 }),
  asocBaseline({ name: 'asoc-v1/tls', summary: 'ASoc v1 inside TLS 1.3 (node:tls, self-signed certificate made at run time)', profile: ASOC_V1, transport: tlsTransport }),
  asocBaseline({ name: 'stt', summary: 'STT-style sessions (profile stt: four-message handshake over the pre-shared seed, every frame ChaCha20-Poly1305) over plain TCP', profile: STT }),
  asocBaseline({ name: 'subduction', summary: 'Subduction-style sessions (profile subduction: two Ed25519-signed CBOR messages, AES-GCM tag on every frame, payload in clear) over plain TCP', profile: SUBDUCTION }),
  grpcStream,
  grpcUnary,
  http1,
  websocket,
];

export const BASELINE_NAMES: readonly string[] = BASELINES.map((b) => b.name);

export class UnknownBaselineError extends Error {
  override readonly name = 'UnknownBaselineError';
}

export function baselineByName(name: string): Baseline {
  const found = BASELINES.find((b) => b.name === name);
  if (!found) throw new UnknownBaselineError(`unknown protocol "${name}" (expected one of: ${BASELINE_NAMES.join(', ')})`);
  return found;
}

/** Fresh secrets for one run (an API key, a TLS certificate and key), given to both sides. */
export function runSecrets(): BaselineSecrets {
  return { community: 'asoc-lab-bench', apiKey: randomBytes(32).toString('hex'), tls: selfSignedLoopbackCertificate() };
}
