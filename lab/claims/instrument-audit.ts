/**
 * For every claim an instrument decides: what its measurement does measure of the claim, and what
 * it does not. verify puts the claim's entry into its evidence (instruments.ts), so a reader of a
 * verdict sees the instrument's reach beside the figures. The rule and threshold of each verdict
 * stay with the code that applies them (each evidence's `rule`).
 */
import type { ClaimResult } from './verdict.ts';

export interface InstrumentReach {
  /** Why the measurement is the claim's (or which part of it). */
  measures: string;
  /** What of the claim it does not touch, or where it stands in for something else. */
  doesNotMeasure: string;
}

export const INSTRUMENT_REACH: Readonly<Record<string, InstrumentReach>> = {
  P1: {
    measures: "The codec's own HELLO and ACCEPT payload sizes from a real in-memory handshake and the signed discovery datagram's size (52, 102); for the comparison, the bytes above TCP each protocol's server counted from accept until the session was ready, over loopback, for ASoc v1 and real gRPC (grpc-js) and JWT (jose) handshakes, like for like (ASoc's frame headers included).",
    doesNotMeasure: 'Other JWT deployments (larger claims, certificate chains, OAuth round trips), gRPC over TLS, or TCP/IP headers in the comparison (the wire bytes are reported, not judged).',
  },
  P2: {
    measures: 'The bytes the real core puts on the wire for a 64 MiB stream in 1 MiB DATA frames, per frame beyond the payload, counted rather than assumed.',
    doesNotMeasure: 'TCP/IP and Ethernet headers below the frame, and smaller chunk sizes (where 14 B is a larger share).',
  },
  P3: {
    measures: 'Goodput between two simulated hosts on a 10 GbE link with the real ASoc core, the hosts charged the CPU costs calibrated on this machine; both directions at once, every byte delivered with its SHA-256 checked.',
    doesNotMeasure: 'A real NIC, a real switch, or the RFC testbed’s CPUs: the CPU model is this machine’s loopback calibration, the link a model; the figure is virtual-time goodput, deterministic for a seed.',
  },
  P4: {
    measures: 'The same simulator with 8 hosts on a 10 GbE switch, one sender to the 7 others at once: per-peer and aggregate goodput, every stream delivered and checked.',
    doesNotMeasure: 'Real hardware (as P3); and the claim’s own figures disagree (7 × 100 MB/s is 700, not 803), which the summary states.',
  },
  P5: {
    measures: 'One way per chunk as half the ping-pong round trip p50 over loopback between two processes on two CPUs, ASoc v1 at 1 KiB and 1 MiB, per round, raw TCP in the same rounds.',
    doesNotMeasure: 'A real network’s propagation and NIC costs (loopback has none), one-way time directly (a round trip halved assumes symmetric paths), or latency under load (the open loop of bench latency does that, not verify).',
  },
  P6: {
    measures: 'CPU % (user + system) of the sending and the receiving process while one ASoc v1 stream is paced one way at 446 MB/s (open loop, every byte counted at the receiver), per round, raw TCP paced the same.',
    doesNotMeasure: 'A native implementation: the lab’s node is TypeScript on Node, whose per-byte costs a C or Rust node would not have; 100 % here is one virtual CPU of a shared VM, not the RFC testbed’s core; and the kernel’s own TCP work on loopback counts only where it runs in the processes’ time.',
  },
  P7: {
    measures: '1 KiB ping-pong p50 of gRPC (stream and unary, grpc-js) against ASoc v1 in the same rounds; streaming MB/s of ASoc v1 against grpc-stream in the same rounds; gRPC’s bytes per message from the kernel’s TCP payload counters of a known echo run.',
    doesNotMeasure: 'gRPC in other languages or with its C core, gRPC over TLS, or messages other than 1 KiB for the speedup; both sides are JavaScript on loopback.',
  },
  P8: {
    measures: 'What TLS 1.3 (node:tls, self-signed certificate) adds to ASoc v1: handshake bytes above TCP, bytes per message from the kernel’s TCP payload counters, and CPU seconds per GB in the paced CPU bench, TLS and plain in the same rounds.',
    doesNotMeasure: 'Other TLS stacks, certificate chains longer than one self-signed certificate, session resumption, or CPU at the same delivered rate when TLS falls short of the offered one (the CPU per GB compares each at the rate it reached).',
  },
  P9: {
    measures: 'One direction on the simulated two-host 10 GbE testbed: goodput as a share of 10 GbE’s goodput ceiling.',
    doesNotMeasure: 'A real 10 GbE NIC (as P3): a simulated host with this machine’s calibrated CPU costs.',
  },
  S1: {
    measures: 'Simulated hosts running the real core: a keyless node joining by discovery and by HELLO, replayed HELLOs, and wrong-key HELLOs in a brute-force run; whether any completes a handshake or gets a peer added.',
    doesNotMeasure: 'Attacks on the key itself (theft, weak keys), or implementations other than the lab’s core and its reference-implementation profile.',
  },
  S2: {
    measures: 'Replayed HELLOs (soon and past the window, to the same and another server) and replayed discovery announcements (stale, and after the reference’s seen-set is cleared), each against the real replay caches.',
    doesNotMeasure: 'Clock attacks (a skewed receiver clock beyond what the scenarios set), or replay across key rotations (v1 has none).',
  },
  S3: {
    measures: 'A TCP-splicing man in the middle modifying a DATA byte, dropping, reordering and injecting streams, and an on-path injector using the sequence numbers it sees; whether the receiver delivers altered data.',
    doesNotMeasure: 'Attacks on HMAC itself (it is the library’s), or a man in the middle at handshake time with the key.',
  },
  S4: {
    measures: 'A passive tap reassembling the client’s TCP payload and recovering the tensor it sends (a claim that holds when the eavesdropper reads it: confidentiality is a stated non-goal).',
    doesNotMeasure: 'The TLS wrapper’s confidentiality (the scenario runs the plain profiles; TLS is measured for cost in P8, not for secrecy).',
  },
  S5: {
    measures: 'An off-path attacker guessing TCP sequence and ACK numbers against an idle authenticated connection, and an on-path one that sees them, on the simulator’s TCP.',
    doesNotMeasure: 'A real kernel’s TCP (challenge ACKs, RFC 5961 behaviour, randomisation) — the simulator’s TCP stands in for it.',
  },
  S6: {
    measures: 'A node knowing the community string but not the API key tries discovery and HELLO; whether it gains anything.',
    doesNotMeasure: 'What else the community string leaks (it is sent in clear in discovery).',
  },
  S7: {
    measures: 'A keyless impostor answering a client’s HELLO with an ACCEPT captured from an earlier session; whether the client accepts it.',
    doesNotMeasure: 'An impostor holding the shared key (every holder can act as any node: the key is the identity).',
  },
  S8: {
    measures: 'Forged ACCEPTs against the real truncated-HMAC check cut to 8 and 16 bits (the acceptance rate must scale as 2^-bits, extrapolated to 64 and 128 bits), and whether anything after the handshake is authenticated by the token.',
    doesNotMeasure: '2^64 guesses themselves (extrapolated from the scaling, not run).',
  },
  S9: {
    measures: 'How many honest announcements pass before two random 32-bit challenges collide in each profile’s real replay cache, over timed trials, against the analytic expectation, which decides (threshold 24 h); plus the HELLO replay window.',
    doesNotMeasure: 'An attacker forcing collisions faster than honest traffic (the scenario has none); the trials check the analytic figure, they do not replace it.',
  },
  S10: {
    measures: 'A discovery storm, a 150-connection flood from 30 addresses and from one address, slow handshakes, 12 wrong-key HELLOs from one address, and an oversized frame header, against the caps (100 connections, 5 failed auths per address in 60 s, maximum frame size), with a legitimate client that must still be served in time.',
    doesNotMeasure: 'Bandwidth floods below the protocol (SYN floods, link saturation) and real kernel limits (file descriptors, accept queues): the hosts are simulated.',
  },
  S11: {
    measures: 'Nearly-right and wrong HELLOs against an untouched control: no byte back, the same close for both; the comparison the code uses (node:crypto timingSafeEqual) is cited.',
    doesNotMeasure: 'Timing side channels on real hardware (the simulator has no CPU timing jitter to measure constant time by); constant-time comparison is checked in the code, not timed.',
  },
  S12: {
    measures: 'The §9.2 violations (bad version, unknown type, bad seq, gaps) fed to the real v1 core in memory, and from a key-holding peer on simulated hosts for both v1 profiles.',
    doesNotMeasure: 'The hardened profiles’ handling (there the per-frame integrity check, not §9.2, decides).',
  },
  X1: {
    measures: 'The reference implementation’s own encoded frames (test vectors): each header’s size, this codec reproducing them byte for byte, and the longest read with the diagrams’ 13-byte layout.',
    doesNotMeasure: 'Frames the reference does not produce (the vectors are its whole evidence).',
  },
  X2: {
    measures: 'Which bytes each handshake figure counts, from a real handshake’s frames and the discovery datagram.',
    doesNotMeasure: 'Nothing beyond the counting itself: it is a consistency claim about the text.',
  },
  D2: {
    measures: 'Ed25519 verifies per second through node:crypto (OpenSSL called from JS) per timed sample, which decides; BLAKE3 and SipHash-2-4 in pure JavaScript, reported.',
    doesNotMeasure: 'Subduction’s native Rust figures: node has no native BLAKE3 or SipHash, and OpenSSL through node pays a per-call cost, so D2 is never HOLDS here.',
  },
};

/** The claim with its instrument's reach in its evidence (unchanged when the claim has no entry). */
export function withReach(claim: ClaimResult): ClaimResult {
  const reach = INSTRUMENT_REACH[claim.id];
  return reach ? { ...claim, evidence: { ...claim.evidence, instrument: reach } } : claim;
}
