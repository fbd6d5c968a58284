/**
 * The claims of ../shared/SPEC.md, by id. Everything in the lab cites these ids; a claim the lab
 * cannot decide yet says which instrument will decide it.
 */
export type ClaimGroup = 'performance' | 'security' | 'consistency' | 'other-systems';

export interface Claim {
  id: string;
  group: ClaimGroup;
  text: string;
  /** The instrument that decides it once built, for claims not yet decided. */
  decidedBy: string;
}

const perf = (id: string, text: string, decidedBy: string): Claim => ({ id, group: 'performance', text, decidedBy });
const sec = (id: string, text: string): Claim => ({ id, group: 'security', text, decidedBy: 'threat-model scenarios (scenarios/threats/)' });
const other = (id: string, text: string): Claim => ({ id, group: 'other-systems', text, decidedBy: 'a Subduction- or STT-style comparison protocol (not built yet; no open issue asks for one)' });

export const CLAIMS: readonly Claim[] = [
  perf('P1', 'Handshake is 52 bytes (HELLO 36 + ACCEPT 16); 102 with a discovery message; JWT/gRPC take 450+ bytes (77–88 % smaller)', 'codecs + handshake bench (JWT, gRPC)'),
  perf('P2', 'Data overhead is 14 bytes per frame: 0.001 % for 1 MiB chunks', 'codecs'),
  perf('P3', '446 MB/s per peer between 2 nodes on 10 GbE (892 MB/s aggregate)', 'simulated RFC testbed (issue 3)'),
  perf('P4', '8 nodes: 100 MB/s per peer from a single sender, 803 MB/s aggregate', 'simulated 8-node fan-out (issue 3)'),
  perf('P5', '~50 µs per chunk (seed 000), while RFC-0001 §11.1 gives 1–5 ms for 1 KB and 10–20 ms for 1 MB', 'latency bench (verify runs it unless --no-bench-claims)'),
  perf('P6', 'Under 2 % CPU while streaming', 'CPU bench (verify runs it unless --no-bench-claims)'),
  perf('P7', '10× faster than gRPC: ~500 µs vs ~50 µs per message; gRPC ~200 bytes overhead per frame', 'latency, throughput and bytes-per-message benches against gRPC (verify runs them unless --no-bench-claims)'),
  perf('P8', 'TLS costs a 2–4 KB handshake, 5–40 bytes per frame and 5–10 % CPU', 'handshake, bytes-per-message and CPU benches with asoc-v1/tls (verify runs them unless --no-bench-claims)'),
  perf('P9', 'Network-limited: can saturate 10 GbE', 'simulated RFC testbed (issue 3) and benchmarks (issue 5)'),
  sec('S1', 'A node without the API key cannot join (bad discovery HMAC dropped; bad HELLO closes the connection)'),
  sec('S2', 'Replay is prevented: duplicate challenges rejected, challenges older than 60 s rejected'),
  sec('S3', 'Man-in-the-middle cannot modify messages: the HMAC covers the entire message'),
  sec('S4', 'No confidentiality (non-goal): an eavesdropper reads tensors; a TLS wrapper fixes it'),
  sec('S5', 'Hijacking an authenticated TCP connection needs a guess of a 32-bit sequence number'),
  sec('S6', 'Knowing the community string gives no access'),
  sec('S7', 'After the handshake both peers are verified (the client authenticates the server by ACCEPT)'),
  sec('S8', 'Session tokens: 2^64 space, HMAC-signed, unforgeable'),
  sec('S9', '128-bit truncated HMAC gives 2^64 security; 2^32 challenges with a short window make replay infeasible'),
  sec('S10', 'DoS limits: discovery storm, 100 connections, 5 failed auths per IP, maximum frame size'),
  sec('S11', 'Authentication failures leak nothing: no error frame, constant-time comparison'),
  sec('S12', 'Protocol violations are handled as §9.2 says (bad version closes, unknown type ignored, bad seq closes)'),
  { id: 'X1', group: 'consistency', text: 'The frame header is 14 bytes (text); diagrams and appendix A say 13', decidedBy: 'codecs' },
  { id: 'X2', group: 'consistency', text: '"52-byte handshake" vs "102-byte handshake" vs HELLO "total 50 bytes": which bytes are counted', decidedBy: 'codecs' },
  other('D1', 'Subduction: two-message Ed25519-signed challenge/response; replay prevented by nonce + timestamp + digest; audience stops misdirection'),
  { ...other('D2', 'Subduction: Ed25519 ~71,000 verifies/s; BLAKE3 ~3 GB/s; SipHash-2-4 3–5× faster than keyed BLAKE3'), decidedBy: 'crypto bench (verify runs it unless --no-bench-claims)' },
  other('D3', 'Subduction: deterministic CBOR in an SDN+version envelope; unknown versions rejected gracefully'),
  other('T1', 'STT: 4-message handshake over a pre-shared seed; session id from both nonces and node ids; every frame encrypted'),
  other('T2', 'STT: many ordered streams per session, no cross-stream head-of-line blocking; varint stream ids'),
  other('T3', 'STT: session keys rotate after a data, time or message threshold without breaking the session'),
  other('T4', 'STT: custom frame types 0x80–0xFF dispatched to handlers; out-of-order segments reassembled'),
];
