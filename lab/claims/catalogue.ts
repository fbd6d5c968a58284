/**
 * The claims the lab checks, by id, each with where it is made and the source's own words.
 * Everything in the lab cites these ids. Which instrument decides a claim is not written here but
 * in the instrument's own list (instruments.ts makes "decided by" from it). docs/claims.md gives each
 * claim's source, the rule that decides it and what that rule does not show; docs/asoc-v1.md
 * describes the protocol itself.
 * "Seed N" is one of the lab's five seed documents (000–004); RFC-0002 is seed 004, and RFC-0001
 * is read in the reference repository (docs/asoc-v1.md names the commit).
 */
/** `hardened`: a claim about the lab's own asoc-hardened profile, answering a finding of a protocol review. */
export type ClaimGroup = 'performance' | 'security' | 'hardened' | 'consistency' | 'other-systems';

export interface Claim {
  id: string;
  group: ClaimGroup;
  /** The claim in the lab's words. */
  text: string;
  /** Where the claim is made: seed document and/or RFC section. */
  source: string;
  /** The source's own figure or phrase, quoted exactly (separate quotes joined by " · "). */
  quoted: string;
  /** For a claim no instrument decides: what it would take (a report then says the claim needs this). */
  undecidedBecause?: string;
}

type ClaimFields = Omit<Claim, 'group' | 'undecidedBecause'>;

const perf = (claim: ClaimFields): Claim => ({ ...claim, group: 'performance' });
const sec = (claim: ClaimFields): Claim => ({ ...claim, group: 'security' });
const hardened = (claim: ClaimFields): Claim => ({ ...claim, group: 'hardened' });
const consistency = (claim: ClaimFields): Claim => ({ ...claim, group: 'consistency' });
const other = (claim: ClaimFields): Claim => ({ ...claim, group: 'other-systems' });

export const CLAIMS: readonly Claim[] = [
  perf(
    {
      id: 'P1',
      text: 'Handshake is 52 bytes (HELLO 36 + ACCEPT 16); 102 with a discovery message; JWT/gRPC take 450+ bytes (77–88 % smaller)',
      source: 'seed 000; seed 001; RFC-0001 §5.4, §11.2',
      quoted: '52 bytes (HELLO payload 36 + ACCEPT payload 16) · JWT/gRPC: 450+ bytes · Savings: 88% · Total Handshake: 102 bytes (vs 450 = 77% reduction)',
    },
  ),
  perf(
    {
      id: 'P2',
      text: 'Data overhead is 14 bytes per frame: 0.001 % for 1 MiB chunks',
      source: 'seed 000; seed 001; RFC-0001 §7.3, §11.2',
      quoted: '14 bytes per frame (0.001% for 1 MB chunks)',
    },
  ),
  perf(
    {
      id: 'P3',
      text: '446 MB/s per peer between 2 nodes on 10 GbE (892 MB/s aggregate)',
      source: 'seed 001; RFC-0001 §11.1, §11.3',
      quoted: '446 MB/s per peer (10 GbE) · 2 nodes: Linear (892 MB/s aggregate)',
    },
  ),
  perf(
    {
      id: 'P4',
      text: '8 nodes: 100 MB/s per peer from a single sender, 803 MB/s aggregate',
      source: 'RFC-0001 §11.1, §11.3',
      quoted: '100 MB/s per peer* · 8 nodes: NIC-limited (803 MB/s aggregate from single sender)',
    },
  ),
  perf(
    {
      id: 'P5',
      text: '~50 µs per chunk (seed 000), while RFC-0001 §11.1 gives 1–5 ms for 1 KB and 10–20 ms for 1 MB',
      source: 'seed 000 (Performance Target); RFC-0001 §11.1',
      quoted: '~50μs per chunk (just memcpy + TCP) · Latency (1 KB) | ~1-5 ms · Latency (1 MB) | ~10-20 ms',
    },
  ),
  perf(
    {
      id: 'P6',
      text: 'Under 2 % CPU while streaming',
      source: 'seed 000 (Performance Target); RFC-0001 §11.1',
      quoted: '<2% for streaming · <2% during streaming',
    },
  ),
  perf(
    {
      id: 'P7',
      text: '10× faster than gRPC: ~500 µs vs ~50 µs per message; gRPC ~200 bytes overhead per frame',
      source: 'seed 000 (vs gRPC); RFC-0001 §11.2',
      quoted: 'gRPC: ~500μs per message (protobuf + HTTP/2) · ASoc: ~50μs (binary framing only) · 10x faster · gRPC: ~200 bytes per frame',
    },
  ),
  perf(
    {
      id: 'P8',
      text: 'TLS costs a 2–4 KB handshake, 5–40 bytes per frame and 5–10 % CPU',
      source: 'seed 004 (RFC-0002) appendix B, §9.2',
      quoted: 'Handshake Size | 52 bytes | 2-4 KB · Per-frame Overhead | 14 bytes | 5-40 bytes · CPU Overhead | <1% | 5-10%',
    },
  ),
  perf(
    {
      id: 'P9',
      text: 'Network-limited: can saturate 10 GbE',
      source: 'seed 000 (Performance Target); RFC-0001 §1.2',
      quoted: 'Network-limited (can saturate 10GbE)',
    },
  ),
  sec({
    id: 'S1',
    text: 'A node without the API key cannot join (bad discovery HMAC dropped; bad HELLO closes the connection)',
    source: 'seed 004 (RFC-0002) §6.2.1, §1.3',
    quoted: 'HMAC signature invalid → message dropped · HELLO signature invalid → TCP connection closed · Result: Attacker cannot join',
  }),
  sec({
    id: 'S2',
    text: 'Replay is prevented: duplicate challenges rejected, challenges older than 60 s rejected',
    source: 'seed 004 (RFC-0002) §6.2.2, §4.3; RFC-0001 §10.2',
    quoted: 'Duplicate challenge → message rejected · Old challenge (>60s) → message rejected',
  }),
  sec({
    id: 'S3',
    text: 'Man-in-the-middle cannot modify messages: the HMAC covers the entire message',
    source: 'seed 004 (RFC-0002) §6.2.3',
    quoted: 'HMAC signature covers entire message · Strong (cannot modify without knowing API key)',
  }),
  sec({
    id: 'S4',
    text: 'No confidentiality (non-goal): an eavesdropper reads tensors; a TLS wrapper fixes it',
    source: 'seed 004 (RFC-0002) §6.2.4, §1.3',
    quoted: 'Defense: None in base protocol · Mitigation: Use TLS wrapper for confidentiality',
  }),
  sec({
    id: 'S5',
    text: 'Hijacking an authenticated TCP connection needs a guess of a 32-bit sequence number',
    source: 'seed 004 (RFC-0002) §6.2.5, §5.3',
    quoted: 'Attack requires predicting 32-bit sequence number',
  }),
  sec({
    id: 'S6',
    text: 'Knowing the community string gives no access',
    source: 'seed 004 (RFC-0002) §6.2.6, §3.4',
    quoted: 'Layer 2 (API Key) required even if community is known',
  }),
  sec({
    id: 'S7',
    text: 'After the handshake both peers are verified (the client authenticates the server by ACCEPT)',
    source: 'seed 004 (RFC-0002) §2.2; RFC-0001 §5.4',
    quoted: 'Connection is authenticated (both peers verified)',
  }),
  sec({
    id: 'S8',
    text: 'Session tokens: 2^64 space, HMAC-signed, unforgeable',
    source: 'seed 004 (RFC-0002) §5.1, §5.2; RFC-0001 §10.2',
    quoted: '8-byte random value = 2^64 possible tokens · HMAC-signed to prevent forgery',
  }),
  sec({
    id: 'S9',
    text: '128-bit truncated HMAC gives 2^64 security; 2^32 challenges with a short window make replay infeasible',
    source: 'seed 004 (RFC-0002) §4.4, §6.2.2',
    quoted: '128 bits provides 2^64 security against birthday attacks · Strong (2^32 challenges, short validity window)',
  }),
  sec({
    id: 'S10',
    text: 'DoS limits: discovery storm, 100 connections, 5 failed auths per IP, maximum frame size',
    source: 'RFC-0001 §10.4',
    quoted: '1 per 3 seconds per node · (e.g., 100) · after 5 failed authentication attempts from same IP · Enforce maximum frame size (e.g., 10 MB)',
  }),
  sec({
    id: 'S11',
    text: 'Authentication failures leak nothing: no error frame, constant-time comparison',
    source: 'RFC-0001 §9.1; seed 004 (RFC-0002) §7.4',
    quoted: 'No error frame is sent · Prevents information leakage to attacker · Use constant-time comparison',
  }),
  {
    id: 'S12',
    group: 'security',
    text: 'Protocol violations are handled as §9.2 says (bad version closes, unknown type ignored, bad seq closes)',
    source: 'RFC-0001 §9.2',
    quoted: 'Connection MUST be closed · Frame MUST be ignored · Connection SHOULD be closed',
  },
  hardened({
    id: 'H1',
    text: 'asoc-hardened: a client reaches only the node it dials; a connection re-routed to another holder of the key is refused (wrong peer)',
    source: 'protocol review of asoc-hardened, finding "wrong peer" (medium)',
    quoted: "A client never checks which node answered · both sides establish and C's tensors reach B while C's peer table says A",
  }),
  hardened({
    id: 'H2',
    text: "asoc-hardened: nobody can get an honest client locked out by sending copies of its HELLOs first (lockout by replay)",
    source: 'protocol review of asoc-hardened, finding "lockout by replay" (medium)',
    quoted: "C's own HELLO then fails as a replay and is charged to C's address · five wins lock C (and all behind its NAT) out for 5 minutes, at no cost to the attacker",
  }),
  hardened({
    id: 'H3',
    text: 'asoc-hardened: an eavesdropper cannot recover the cluster key offline from a recorded HELLO (weak keys)',
    source: 'protocol review of asoc-hardened, finding "weak keys" (medium)',
    quoted: 'Any non-empty key string is accepted · every HELLO and every discovery broadcast gives an eavesdropper a MAC to test guesses against offline',
  }),
  hardened({
    id: 'H4',
    text: 'asoc-hardened: no byte of a handshake message can be altered on the path without the handshake failing (stream id and seq of HELLO and ACCEPT)',
    source: 'protocol review of asoc-hardened, finding "HELLO/ACCEPT stream id and seq" (low)',
    quoted: 'HELLO/ACCEPT stream id and seq are not checked against 0',
  }),
  hardened({
    id: 'H5',
    text: 'asoc-hardened: a step of the wall clock makes the server forget no HELLO it must still refuse (replay cache on the monotonic clock)',
    source: 'protocol review of asoc-hardened, finding "replay cache on the wall clock" (low)',
    quoted: 'the replay cache expires on the wall clock (use monotonic time)',
  }),
  hardened({
    id: 'H6',
    text: 'asoc-hardened: a peer the server knows is served even while unknown addresses hold every slot open to them (slot reservation)',
    source: 'protocol review of asoc-hardened, finding "slots" (low)',
    quoted: 'all 100 slots can be held by 13 addresses × 8 handshakes (reserve slots for known peers, group IPv6 by /64, a cookie under load)',
  }),
  hardened({
    id: 'H7',
    text: "asoc-hardened: no AES-GCM key protects more than RFC 8446 §5.5's margin; keys change in a long session with no byte lost",
    source: 'protocol review of asoc-hardened, finding "AEAD usage limit" (low)',
    quoted: "no AEAD usage limit or rekeying (the encrypted suite passes RFC 8446 §5.5's margin after about 15 minutes at 446 MB/s",
  }),
  hardened({
    id: 'H8',
    text: "asoc-hardened: an attacker who alters a known peer's handshake on the path does not get that peer's address locked out (tampering charged to the victim)",
    source: 'protocol review of asoc-hardened, finding "on-path tampering" (low)',
    quoted: "on-path tampering is charged to the victim's address",
  }),
  hardened({
    id: 'H9',
    text: 'asoc-hardened: a peer the server has never seen is served while silent connections hold every slot open to it (under load, a slot goes to a peer that speaks)',
    source: 'protocol review of asoc-hardened, finding "slots" (low)',
    quoted: 'all 100 slots can be held by 13 addresses × 8 handshakes (reserve slots for known peers, group IPv6 by /64, a cookie under load)',
  }),
  hardened({
    id: 'H10',
    text: 'asoc-hardened: a session recorded today stays closed to whoever steals the API key later (forward secrecy, in the x25519 suite)',
    source: 'protocol review of asoc-hardened, section "beyond the anchors\' baseline"',
    quoted: 'an optional forward-secret suite (X25519 ephemeral keys from node:crypto, mixed into the key schedule) with its handshake bytes and cost measured next to the PSK-only suites, so users can see what forward secrecy costs',
  }),
  consistency(
    {
      id: 'X1',
      text: 'The frame header is 14 bytes (text); diagrams and appendix A say 13',
      source: 'RFC-0001 §7.1, §7.2, appendix A',
      quoted: 'Header: 14 bytes (fixed) · Version (4 bits) · Type (4 bits) · Byte 0: 0x14 = Version 1, Type 4 (HELLO)',
    },
  ),
  consistency(
    {
      id: 'X2',
      text: '"52-byte handshake" vs "102-byte handshake" vs HELLO "total 50 bytes": which bytes are counted',
      source: 'RFC-0001 §1.1, §5.2, §5.4; seed 000',
      quoted: '102-byte handshake vs 450+ for JWT · Total: 50 bytes · Total Handshake Overhead: 52 bytes',
    },
  ),
  other({
    id: 'D1',
    text: 'Subduction: two-message Ed25519-signed challenge/response; replay prevented by nonce + timestamp + digest; audience stops misdirection',
    source: 'seed 002 (Message Types); design/handshake.md of inkandswitch/subduction',
    quoted: 'SignedChallenge(Signed<Challenge>) · SignedResponse(Signed<Response>)',
  }),
  other(
    {
      id: 'D2',
      text: 'Subduction: Ed25519 ~71,000 verifies/s; BLAKE3 ~3 GB/s; SipHash-2-4 3–5× faster than keyed BLAKE3',
      source: 'seed 002 (Cryptographic Choices)',
      quoted: '71,000 signatures/sec on modern hardware · ~3 GB/s on modern CPUs · Speed (native) | Baseline | 3-5x slower',
    },
  ),
  other({
    id: 'D3',
    text: 'Subduction: deterministic CBOR in an SDN+version envelope; unknown versions rejected gracefully',
    source: 'seed 002 (Wire Format, Deterministic CBOR)',
    quoted: 'Deterministic encoding — Required for signature verification · "SDN" · Unknown versions can be rejected gracefully',
  }),
  other({
    id: 'T1',
    text: 'STT: 4-message handshake over a pre-shared seed; session id from both nonces and node ids; every frame encrypted',
    source: 'seed 003 (Sessions, Encryption and Keys, How It All Fits Together)',
    quoted: 'The 4-message setup to establish the session · session_id = XOR(nonce_initiator, nonce_responder, node_id_initiator, node_id_responder)[0:8] · All data is encrypted with STC',
  }),
  other({
    id: 'T2',
    text: 'STT: many ordered streams per session, no cross-stream head-of-line blocking; varint stream ids',
    source: 'seed 003 (Streams: Multiplexed Channels)',
    quoted: 'Multiple streams can exist in one session simultaneously · different streams are independent · encoded using "varint"',
  }),
  other({
    id: 'T3',
    text: 'STT: session keys rotate after a data, time or message threshold without breaking the session',
    source: 'seed 003 (Key Rotation)',
    quoted: 'Data threshold (e.g., 1GB transmitted) · Time threshold (e.g., 1 hour elapsed) · Message threshold (e.g., 100,000 messages)',
  }),
  other({
    id: 'T4',
    text: 'STT: custom frame types 0x80–0xFF dispatched to handlers; out-of-order segments reassembled',
    source: 'seed 003 (Primitive 6: FrameDispatcher, Primitive 2: BinaryStreamDecoder)',
    quoted: 'Support custom frame types 0x80-0xFF · handles out-of-order delivery',
  }),
];
