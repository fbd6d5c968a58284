/**
 * S1–S12 and H1… from the threat scenarios (scenarios/threats/*.yaml): each scenario runs against
 * every profile it has expectations for, and a claim's verdict is that of its subject profile, the
 * weakest observed over the scenarios that decide it. The subject of S1–S12 is ASoc as RFC-0002's
 * text specifies it (profile `asoc-v1`); that of the H claims, which are about the lab's fix, is
 * `asoc-hardened`, but for H10 (forward secrecy), which only the x25519 suite claims. The summary also gives the other profiles' verdicts, and the evidence
 * keeps every profile's aggregate, the deciding scenario's own evidence, and any row whose observed
 * verdict differs from the scenario's expectation (a behaviour change worth a look).
 */
import { PROFILES, type ProfileName } from '../../src/core/profile.ts';
import { CLAIMS } from './catalogue.ts';
import { aggregateByClaim, loadThreat, runThreat, threatFiles, type ClaimAggregate, type ThreatResult, type ThreatRow } from '../../scenarios/threat-runner.ts';
import type { ClaimDecision } from './instrument.ts';
import type { ClaimResult } from './verdict.ts';

export const THREAT_SCENARIO_DIR = 'scenarios/threats';
/** Hardened claims that are about one suite rather than the profile's defaults. */
const SUBJECT_SUITES: Readonly<Record<string, ProfileName>> = { H10: 'asoc-hardened/x25519' };

/** The profile whose verdict is the claim's: the RFC as written, or asoc-hardened (or the suite it names) for a claim about it. */
export function subjectOf(claim: string): ProfileName {
  if (CLAIMS.find((c) => c.id === claim)?.group !== 'hardened') return 'asoc-v1';
  return SUBJECT_SUITES[claim] ?? 'asoc-hardened';
}

const BY_SCENARIOS = 'the threat scenarios that list it (scenarios/threats/)';
const BY_HARDENED_SCENARIOS = 'the threat scenarios that list it, judged on asoc-hardened (scenarios/threats/)';
/** The claims the threat scenarios decide (S12 is the codecs'), and what the scenarios reach (verify's threats step; instruments.ts). */
export const THREAT_DECISIONS: Readonly<Record<string, ClaimDecision>> = {
  S1: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'Simulated hosts running the real core: a keyless node joining by discovery and by HELLO, replayed HELLOs, and wrong-key HELLOs in a brute-force run; whether any completes a handshake or gets a peer added.',
      doesNotMeasure: 'Attacks on the key itself (theft; weak keys are H3’s), or implementations other than the lab’s core and its reference-implementation profile.',
    },
  },
  S2: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'Replayed HELLOs (soon and past the window, to the same and another server) and replayed discovery announcements (stale, and after the reference’s seen-set is cleared), each against the real replay caches.',
      doesNotMeasure: 'Clock attacks (a skewed receiver clock beyond what the scenarios set), or replay across key rotations (v1 has none).',
    },
  },
  S3: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'A TCP-splicing man in the middle modifying a DATA byte, dropping, reordering and injecting streams, and an on-path injector using the sequence numbers it sees; whether the receiver delivers altered data.',
      doesNotMeasure: 'Attacks on HMAC itself (it is the library’s), or a man in the middle at handshake time with the key.',
    },
  },
  S4: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'A passive tap reassembling the client’s TCP payload and recovering the tensor it sends (a claim that holds when the eavesdropper reads it: confidentiality is a stated non-goal).',
      doesNotMeasure: 'The TLS wrapper’s confidentiality (the scenario runs the plain profiles; TLS is measured for cost in P8, not for secrecy).',
    },
  },
  S5: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'An off-path attacker guessing TCP sequence and ACK numbers against an idle authenticated connection, and an on-path one that sees them, on the simulator’s TCP.',
      doesNotMeasure: 'A real kernel’s TCP (challenge ACKs, RFC 5961 behaviour, randomisation) — the simulator’s TCP stands in for it.',
    },
  },
  S6: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'A node knowing the community string but not the API key tries discovery and HELLO; whether it gains anything.',
      doesNotMeasure: 'What else the community string leaks (it is sent in clear in discovery).',
    },
  },
  S7: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'A keyless impostor answering a client’s HELLO with an ACCEPT captured from an earlier session; whether the client accepts it.',
      doesNotMeasure: 'An impostor holding the shared key (every holder can act as any node: the key is the identity).',
    },
  },
  S8: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'Forged ACCEPTs against the real truncated-HMAC check cut to 8 and 16 bits (the acceptance rate must scale as 2^-bits, extrapolated to 64 and 128 bits), and whether anything after the handshake is authenticated by the token.',
      doesNotMeasure: '2^64 guesses themselves (extrapolated from the scaling, not run).',
    },
  },
  S9: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'How many honest announcements pass before two random 32-bit challenges collide in each profile’s real replay cache, over timed trials, against the analytic expectation, which decides (threshold 24 h); plus the HELLO replay window.',
      doesNotMeasure: 'An attacker forcing collisions faster than honest traffic (the scenario has none); the trials check the analytic figure, they do not replace it.',
    },
  },
  S10: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'A discovery storm, a 150-connection flood from 30 addresses and from one address, slow handshakes, 12 wrong-key HELLOs from one address, and an oversized frame header (from an authenticated peer, and as the first frame of a peer without the key), against the caps (100 connections, 5 failed auths per address in 60 s, maximum frame size), with a legitimate client that must still be served in time.',
      doesNotMeasure: 'Bandwidth floods below the protocol (SYN floods, link saturation) and real kernel limits (file descriptors, accept queues): the hosts are simulated.',
    },
  },
  S11: {
    by: BY_SCENARIOS,
    reach: {
      measures: 'Nearly-right and wrong HELLOs against an untouched control: no byte back, the same close for both; the comparison the code uses (constantTimeEqual: every byte compared, no early exit) is cited.',
      doesNotMeasure: 'Timing side channels on real hardware (the simulator has no CPU timing jitter to measure constant time by); constant-time comparison is checked in the code, not timed.',
    },
  },
  H1: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: 'A client that dials node A (discovered, or a static peer pinned to A’s id) while a keyless attacker on the path re-routes its TCP to node B, another holder of the key, and B’s answers back as A’s: whether B establishes a session with the client and whether the tensor meant for A reaches B.',
      doesNotMeasure: 'A static peer given as host:port alone (any node with the key may answer it, by design), or an insider who holds the key and answers as A (every holder of the key is trusted as any node id).',
    },
  },
  H2: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: 'An attacker on an honest client’s path, without the key, holding back each of the client’s HELLOs and sending a copy first from its own address, for 60 s: whether the server locks the client’s address out and whether the client gets its session.',
      doesNotMeasure: 'A bit flipped in the client’s HELLO on the path (H8’s scenario), or an attacker who blocks the client’s packets outright (no protocol keeps a session through that).',
    },
  },
  H3: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: 'Whether the profile takes a 6-character key; the rate at which the check a server runs on a HELLO tests guesses at the key against one recorded HELLO, on one core of this machine, with the key recovered from a window of the key space around it; and the expected time to search half the key space of the weakest key the profile takes, on a million such cores.',
      doesNotMeasure: 'A dedicated guesser (an optimised HMAC loop, GPUs) other than by the million-core factor, or keys that are 32 bytes yet not random (a key typed as 64 hex digits of a pattern with enough distinct bytes passes the check).',
    },
  },
  H4: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: 'A man in the middle moving HELLO, then ACCEPT, to another stream id and seq with the payload (and its MAC) untouched: whether a handshake with an altered message completes.',
      doesNotMeasure: 'The payloads (their MACs are S1’s and S7’s), or FINISH and every later frame, whose headers the tag authenticates (S3).',
    },
  },
  H5: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: 'A recorded HELLO replayed after the cluster’s Unix clocks stepped forward past the replay window and back, with a handshake during the step: whether the server still refuses it.',
      doesNotMeasure: 'A wall clock stepped back by more than the window minus the freshness (35 s) after a nonce was recorded, which makes an old HELLO fresh again once its nonce is forgotten; such a replay is answered but never passes FINISH.',
    },
  },
  H6: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: '104 silent connections from 13 addresses, re-opened as they close, against a server whose legitimate client completed a handshake before: whether that known peer is served within 1 s; and, every host on IPv6, 150 silent connections from 30 addresses of one /64: whether a client the server has never seen is served within 2 s.',
      doesNotMeasure: 'A peer the server has never seen while strangers from many addresses or prefixes hold the slots (H9’s scenario), IPv6 beyond addressing (the simulated packets keep IPv4’s header size), or attackers with more addresses than the per-address cap divides the free slots by.',
    },
  },
  H7: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: 'A session scaled down by 2^20 (the rekey threshold and RFC 8446 §5.5’s margin both divided), 4 MiB each way in 4 KiB frames through the real core: the most bytes one key protected, and whether every byte arrived across the key changes.',
      doesNotMeasure: 'A session of hundreds of gigabytes at full scale (the mechanism counts bytes, so the scaled run stands for it), or the 2^48-frame limit in a real session (tested with a limit of 4).',
    },
  },
  H8: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: 'An attacker on an honest client’s path, without the key, flipping a bit of every HELLO the client sends for 19 s while the client, which had completed a handshake before, tries every second: whether the server locks the client’s address out, and whether the client is served within 3 s once the attacker stops.',
      doesNotMeasure: 'A client the server has never seen (nothing tells its tampered HELLOs from guesses at the key, so its address is still charged and can be locked out), or an attacker who blocks the client’s packets outright (no protocol keeps a session through that).',
    },
  },
  H9: {
    by: BY_HARDENED_SCENARIOS,
    reach: {
      measures: '104 silent connections from 13 addresses, re-opened 50 ms after each closes, for 20 s, against a server that has never seen the legitimate client: whether that client is served within 1 s.',
      doesNotMeasure: 'Attackers who send a HELLO that verifies (a recorded one replayed within its 30 s: it is not silent, so it keeps its slot until FINISH fails or the 5 s timeout), or who open more connections within one round trip of the client than the strangers have slots, evicting the client before its HELLO arrives.',
    },
  },
  H10: {
    by: 'the threat scenario that lists it, judged on asoc-hardened/x25519 (scenarios/threats/)',
    reach: {
      measures: 'A recorded session carrying a 2 MiB tensor, then the API key in the attacker’s hands: whether a server of the attacker’s own, fed the recording with the recorded nonce and clock, decrypts the tensor.',
      doesNotMeasure: 'A key stolen while a session is open (an active attacker can then impersonate either side), memory read from a running node, or attacks on X25519 itself.',
    },
  },
};

export interface ThreatClaimsOptions {
  dir?: string;
  /** Claims decided elsewhere: their rows still run, but no ClaimResult is made for them. */
  exclude?: ReadonlySet<string>;
  onScenario?: (name: string, index: number, total: number) => void;
}

export async function decideThreatClaims(options: ThreatClaimsOptions = {}): Promise<{ claims: ClaimResult[]; results: ThreatResult[] }> {
  const files = threatFiles(options.dir ?? THREAT_SCENARIO_DIR);
  const results: ThreatResult[] = [];
  for (const [index, file] of files.entries()) {
    const prepared = loadThreat(file);
    options.onScenario?.(prepared.scenario.name, index, files.length);
    results.push(runThreat(prepared));
  }
  return { claims: claimsFrom(results, options.exclude ?? new Set()), results };
}

/** One ClaimResult per claim the scenarios decide for the subject profile (pure: exported for tests). */
export function claimsFrom(results: readonly ThreatResult[], exclude: ReadonlySet<string>): ClaimResult[] {
  const rows = results.flatMap((r) => r.rows);
  const aggregates = aggregateByClaim(rows);
  const subjectAggregates = aggregates.filter((a) => a.profile === subjectOf(a.claim) && !exclude.has(a.claim));
  return subjectAggregates.map((subject) => claimResult(subject, aggregates, rows));
}

function claimResult(subject: ClaimAggregate, aggregates: readonly ClaimAggregate[], rows: readonly ThreatRow[]): ClaimResult {
  const claimRows = rows.filter((r) => r.claim === subject.claim);
  const deciding = claimRows.find((r) => r.profile === subject.profile && r.scenario === subject.decidedBy && r.observed === subject.observed)!;
  const others = (Object.keys(PROFILES) as ProfileName[]).filter((name) => name !== subject.profile).flatMap((profile) => {
    const aggregate = aggregates.find((a) => a.claim === subject.claim && a.profile === profile);
    return aggregate ? [`${profile} ${aggregate.observed}`] : [];
  });
  const mismatches = claimRows.filter((r) => !r.match);
  const warning = mismatches.length > 0 ? ` ${mismatches.length} observation(s) differ from their scenario's expectation (see evidence).` : '';
  return {
    id: subject.claim,
    verdict: subject.observed,
    summary: `${deciding.evidence} [scenario ${subject.decidedBy}; ${others.join(', ')}]${warning}`,
    evidence: {
      subjectProfile: subject.profile,
      scenarios: subject.scenarios,
      decidedBy: subject.decidedBy,
      byProfile: Object.fromEntries(aggregates.filter((a) => a.claim === subject.claim).map((a) => [a.profile, { observed: a.observed, expected: a.expected, decidedBy: a.decidedBy }])),
      rows: claimRows,
      mismatches,
      rerun: `asoc-lab scenario run ${THREAT_SCENARIO_DIR}`,
    },
  };
}
