/**
 * The 32-bit challenge birthday problem (S9: "2^32 challenges with a short window make replay
 * infeasible"; the other face of S2's replay cache).
 *
 * `nodes` honest nodes announce every `intervalMs`, each announcement with a fresh random 32-bit
 * challenge; one receiver remembers challenges as its profile says and rejects one it remembers —
 * so, with no attacker at all, it sooner or later rejects a legitimate announcement as a replay.
 * How many announcements until the first such rejection?
 *
 * Measured with the real replay cache (src/crypto/replay-cache.ts) fed by seeded random challenges:
 * up to `trials` trials (within `profileMessageBudget` announcements) of the profile's memory (the
 * reference's clear-at-10,000; v1's 125 s window; hardened's 65 s window keyed by node and
 * challenge), and `methodCheckTrials` of an unbounded one against the textbook birthday bound, to
 * check the method (a plain Set suffices there). One trial's challenge sequence is also
 * played through the real discovery path — signed announcements from `nodes` DiscoveryAgents into a
 * receiving DiscoveryAgent — for up to `agentCheckMessages`, and must be rejected at exactly the same
 * message, or the cache-level figures would not be the path's (the run then throws).
 *
 * Each trial is at most `horizonHours` of traffic at that rate. The verdict comes from the analytic
 * expectation, which the trials can only check (a few trials of a memory that rejects once in days
 * would say "none" whatever the truth): S9 HOLDS when the expected time to the first legitimate
 * rejection is at least `holdsFromHours` of this traffic, PARTIAL when it is shorter (the challenge
 * space is too small for the memory; the MAC half of S9 is not what this decides). The trials must
 * agree with the same model — as many trials with a rejection as its survival probabilities predict
 * (within 4 σ), and, when every trial saw one, a mean within 4 standard errors (+20 %) of the
 * expectation — or the run throws. A trial without a rejection only bounds its count from below.
 */
import { z } from 'zod';
import { DiscoveryAgent } from '../../src/core/discovery-agent.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import type { RandomSource } from '../../src/core/random.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { ReplayCache, type ReplayPolicy } from '../../src/crypto/replay-cache.ts';
import { decodeDiscovery } from '../../src/wire/discovery.ts';
import { CLUSTER_API_KEY, CLUSTER_COMMUNITY } from '../../sim/asoc/cluster.ts';
import { SIM_EPOCH_MS } from '../../sim/asoc/sim-transport.ts';
import { RandomStreams, type SimRandom } from '../../sim/random.ts';
import { clearAtExpectation, survivalProbability, unboundedExpectation, windowExpectation } from './support/birthday-math.ts';
import { once } from './support/once.ts';
import { defineAttack, type ObservedVerdict, type TraceExcerptEntry } from './types.ts';

const CHALLENGE_SPACE = 2 ** 32;

const params = z
  .object({
    nodes: z.number().int().min(1).max(10_000).default(1_000),
    intervalMs: z.number().positive().default(3_000),
    trials: z.number().int().min(2).max(100).default(20),
    /** Messages checked over all trials of the profile's memory; trials stop when it is spent. */
    profileMessageBudget: z.number().int().positive().max(50_000_000).default(3_000_000),
    /** Trials of the method check (an unbounded memory against the textbook birthday bound). */
    methodCheckTrials: z.number().int().min(2).max(1_000).default(100),
    agentCheckMessages: z.number().int().min(0).max(500_000).default(30_000),
    /** Each trial is at most this much traffic at the scenario's rate. */
    horizonHours: z.number().positive().max(24).default(1),
    /** S9 HOLDS when the analytic expected time to the first legitimate rejection is at least this. */
    holdsFromHours: z.number().positive().default(24),
  })
  .strict();

/** How a profile's discovery receiver keys its replay cache (checked against the real agent below). */
function replayKey(profile: AsocProfile): (node: number, challenge: number) => number {
  // node × 2^32 + challenge: injective like the agent's "<node id>:<challenge>" text, and a faster Map key.
  return profile.discoveryReplayKey === 'challenge' ? (_node, challenge) => challenge : (node, challenge) => node * CHALLENGE_SPACE + challenge;
}

/** The method check does not depend on the profile, so a scenario computes it once for all of them. */
function methodCheck(seed: number, trials: number): number[] {
  return once(`challenge-birthday:method-check:${seed}:${trials}`, () => {
    const streams = new RandomStreams(`${seed}:method-check`);
    return Array.from({ length: trials }, (_, t) => firstRepeat(streams.stream(`unbounded:${t}`)));
  });
}

/** Draws challenges until one repeats; returns how many were drawn (the textbook birthday experiment). */
function firstRepeat(random: SimRandom): number {
  const seen = new Set<number>();
  for (;;) {
    const challenge = random.u32();
    if (seen.has(challenge)) return seen.size + 1;
    seen.add(challenge);
  }
}

interface Run {
  /** 1-based index of the first legitimate message rejected, or null if none within the cap. */
  firstRejection: number | null;
  reason: string | null;
}

/** The agent's rejection, told as the decisive event of the evidence. */
interface AgentRun extends Run {
  /** 1-based index of the earlier announcement that carried the same challenge, if one did. */
  collidedWith: number | null;
  challenge: number | null;
}

/** Message m is node (m mod nodes)'s announcement number ⌊m / nodes⌋; nodes start gapMs apart (Unix ms from the sim epoch). */
function messageTime(m: number, nodes: number, intervalMs: number): number {
  return SIM_EPOCH_MS + (m % nodes) * (intervalMs / nodes) + Math.floor(m / nodes) * intervalMs;
}

function cacheRun(policy: ReplayPolicy, key: (node: number, challenge: number) => number, random: SimRandom, nodes: number, intervalMs: number, cap: number): Run {
  const cache = new ReplayCache(policy);
  for (let m = 0; m < cap; m++) {
    const now = messageTime(m, nodes, intervalMs);
    const verdict = cache.check(key(m % nodes, random.u32()), now, Math.floor(now / 1000) * 1000);
    if (verdict !== 'fresh') return { firstRejection: m + 1, reason: verdict };
  }
  return { firstRejection: null, reason: null };
}

/** The same challenges through real announcements: signed by one DiscoveryAgent per node, checked by a receiving agent. */
function agentRun(profile: AsocProfile, challenges: RandomSource, nodes: number, intervalMs: number, cap: number): AgentRun {
  const firstSeen = new Map<number, number>();
  const streams = new RandomStreams('challenge-birthday:agents');
  const receiver = new DiscoveryAgent({ ...agentConfig(profile, streams.stream('receiver'), 0), now: messageTime(0, nodes, intervalMs) });
  const senders: DiscoveryAgent[] = [];
  for (let m = 0; m < cap; m++) {
    const now = messageTime(m, nodes, intervalMs);
    const node = m % nodes;
    let sender = senders[node];
    if (sender === undefined) senders.push((sender = new DiscoveryAgent({ ...agentConfig(profile, challenges, node + 1), now, intervalMs })));
    else sender.handleTimeout(now);
    const datagram = sender.pollTransmit()?.[0];
    if (datagram === undefined) throw new Error(`challenge-birthday: node ${node} had no announcement due at message ${m}`);
    const rejectedBefore = rejections(receiver);
    receiver.receive(datagram, { address: '10.0.0.2', port: 9999 }, now);
    while (receiver.pollEvent() !== null); // only the counters matter here
    const { challenge } = decodeDiscovery(datagram);
    if (rejections(receiver) > rejectedBefore) {
      const reason = Object.entries(receiver.counters.rejected).find(([, n]) => n > 0)?.[0] ?? 'unknown';
      return { firstRejection: m + 1, reason, collidedWith: firstSeen.get(challenge) ?? null, challenge };
    }
    if (!firstSeen.has(challenge)) firstSeen.set(challenge, m + 1);
  }
  return { firstRejection: null, reason: null, collidedWith: null, challenge: null };
}

function agentConfig(profile: AsocProfile, random: RandomSource, node: number) {
  const nodeId = new Uint8Array(16);
  new DataView(nodeId.buffer).setUint32(12, node);
  return { profile, nodeId, tcpPort: 9000, community: CLUSTER_COMMUNITY, apiKey: CLUSTER_API_KEY, crypto: nodeBackend, random };
}

function rejections(agent: DiscoveryAgent): number {
  return Object.values(agent.counters.rejected).reduce((sum, n) => sum + n, 0);
}

/** Virtual ms since the first announcement at which announcement number `n` (1-based) was sent. */
function sentAtMs(n: number, nodes: number, intervalMs: number): number {
  return messageTime(n - 1, nodes, intervalMs) - SIM_EPOCH_MS;
}

/** The first rejection of each trial, and the discovery path's, as excerpt entries. */
function evidenceTrail(runs: Run[], checkTrial: number, agent: AgentRun, agentCap: number, nodes: number, intervalMs: number): TraceExcerptEntry[] {
  const trail: TraceExcerptEntry[] = runs.map((run, t) =>
    run.firstRejection === null
      ? { time: 0, where: `trial ${t + 1}`, what: 'no rejection', detail: 'no legitimate announcement rejected within the trial' }
      : { time: sentAtMs(run.firstRejection, nodes, intervalMs), where: `trial ${t + 1}`, what: `rejected ${run.reason}`, detail: `announcement ${run.firstRejection} (replay cache)` },
  );
  const where = `discovery path, trial ${checkTrial + 1}`;
  if (agent.firstRejection === null) trail.push({ time: sentAtMs(agentCap, nodes, intervalMs), where, what: 'no rejection', detail: `DiscoveryAgent took all ${agentCap} signed announcements` });
  else
    trail.push({
      time: sentAtMs(agent.firstRejection, nodes, intervalMs),
      where,
      what: `rejected ${agent.reason}`,
      detail: `announcement ${agent.firstRejection} (node ${(agent.firstRejection - 1) % nodes}) carried challenge ${agent.challenge}, first sent in announcement ${agent.collidedWith ?? '?'} (node ${agent.collidedWith === null ? '?' : (agent.collidedWith - 1) % nodes})`,
    });
  return trail;
}

function meanAndError(values: number[]): { mean: number; standardError: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, standardError: Math.sqrt(variance / values.length) };
}

/**
 * What a message finds remembered that it could collide with: every challenge in the memory, or —
 * keyed by node — only its own node's (one per interval within the window).
 */
function memoryModel(profile: AsocProfile, nodes: number, intervalMs: number): { expected: number; held: (i: number) => number } {
  const policy = profile.discoveryReplay;
  if (policy.kind === 'clear-at') return { expected: clearAtExpectation(CHALLENGE_SPACE, policy.limit), held: (i) => i % (policy.limit + 1) };
  const perNode = profile.discoveryReplayKey === 'node-and-challenge';
  const live = Math.round((policy.windowMs / intervalMs) * (perNode ? 1 : nodes));
  const fullAt = Math.round((policy.windowMs / intervalMs) * nodes) > policy.capacity ? policy.capacity : Infinity;
  return {
    expected: windowExpectation(CHALLENGE_SPACE, live, perNode ? Infinity : policy.capacity),
    held: (i) => (i >= fullAt ? Infinity : Math.min(perNode ? Math.floor(i / nodes) : i, live)),
  };
}

/**
 * Whether the trials agree with the model: trials with a rejection against the sum of each trial's
 * analytic probability of one (within 4 σ, plus one), and, when every trial had one, the mean against
 * the expectation (within 4 standard errors plus 20 %, the models' approximation).
 */
function checkAgainstModel(
  trials: { runs: Run[]; caps: number[] },
  held: (i: number) => number,
  expected: number,
  measured: { mean: number; standardError: number },
): { predictedTrialsWithRejection: number; problem: string | null } {
  const byCap = new Map<number, number>();
  const rejectionWithin = (cap: number): number => {
    if (!byCap.has(cap)) byCap.set(cap, 1 - survivalProbability(CHALLENGE_SPACE, cap, held));
    return byCap.get(cap)!;
  };
  const probabilities = trials.caps.map(rejectionWithin);
  const predicted = probabilities.reduce((sum, q) => sum + q, 0);
  const sigma = Math.sqrt(probabilities.reduce((sum, q) => sum + q * (1 - q), 0));
  const seen = trials.runs.filter((r) => r.firstRejection !== null).length;
  if (Math.abs(seen - predicted) > 4 * sigma + 1) return { predictedTrialsWithRejection: predicted, problem: `${seen} of ${trials.runs.length} trials saw a rejection, ${predicted.toFixed(2)} ± ${sigma.toFixed(2)} predicted` };
  if (seen === trials.runs.length && Math.abs(measured.mean - expected) > 4 * measured.standardError + 0.2 * expected) {
    return { predictedTrialsWithRejection: predicted, problem: `mean ${measured.mean.toFixed(0)} ± ${measured.standardError.toFixed(0)} announcements against ${expected.toFixed(0)} expected` };
  }
  return { predictedTrialsWithRejection: predicted, problem: null };
}

export default defineAttack({
  description: 'how many honest discovery announcements until one is rejected as a replay because two 32-bit challenges collided',
  params,
  run({ profile, seed, params: p }) {
    const gapMs = p.intervalMs / p.nodes;
    const key = replayKey(profile);
    const streams = new RandomStreams(seed);
    const ratePerSecond = 1_000 / gapMs;
    const horizonMessages = Math.round(p.horizonHours * 3_600 * ratePerSecond);
    const measure = (label: string, policy: ReplayPolicy, keyOf: typeof key, budget: number): { runs: Run[]; firsts: number[]; caps: number[] } => {
      const runs: Run[] = [];
      const firsts: number[] = [];
      const caps: number[] = [];
      for (let spent = 0; runs.length < p.trials && spent < budget; ) {
        const cap = Math.min(horizonMessages, budget - spent);
        const run = cacheRun(policy, keyOf, streams.stream(`${label}:${runs.length}`), p.nodes, p.intervalMs, cap);
        runs.push(run);
        caps.push(cap);
        firsts.push(run.firstRejection ?? cap);
        spent += run.firstRejection ?? cap;
      }
      return { runs, firsts, caps };
    };
    const unbounded = methodCheck(seed, p.methodCheckTrials);
    const policy = profile.discoveryReplay;
    // Profiles that remember discovery challenges alike (both hardened ones) share these trials.
    const memory = JSON.stringify({ seed, params: p, policy, key: profile.discoveryReplayKey });
    const profileRuns = once(`challenge-birthday:trials:${memory}`, () => measure('profile', policy, key, p.profileMessageBudget));

    // The trial with the earliest rejection (the cheapest to replay in full) again, through the real
    // discovery path: the agent must reject exactly the same announcement, or the cache-level figures
    // are not the path's and the run is void.
    const rejectedAt = profileRuns.runs.map((r) => r.firstRejection ?? Infinity);
    const earliest = Math.min(...rejectedAt);
    const checkTrial = earliest === Infinity ? 0 : rejectedAt.indexOf(earliest);
    const agentCap = Math.min(p.agentCheckMessages, profileRuns.firsts[checkTrial]!);
    const agent = agentRun(profile, new RandomStreams(seed).stream(`profile:${checkTrial}`), p.nodes, p.intervalMs, agentCap);
    const cacheFirst = profileRuns.runs[checkTrial]!.firstRejection;
    const agentAgrees = cacheFirst !== null && cacheFirst <= agentCap ? agent.firstRejection === cacheFirst : agent.firstRejection === null;
    if (!agentAgrees) {
      throw new Error(`challenge-birthday: the discovery path rejected trial ${checkTrial + 1} at ${agent.firstRejection ?? 'none'}, the replay cache at ${cacheFirst ?? 'none'} (${profile.name})`);
    }

    const u = meanAndError(unbounded);
    const m = meanAndError(profileRuns.firsts);
    const trialsRun = profileRuns.runs.length;
    const censored = profileRuns.runs.filter((r) => r.firstRejection === null).length;
    const rejectedTrials = trialsRun - censored;
    const model = memoryModel(profile, p.nodes, p.intervalMs);
    const expected = model.expected;
    const analyticWithinHorizon = 1 - survivalProbability(CHALLENGE_SPACE, horizonMessages, model.held);
    const hoursToFirst = m.mean / ratePerSecond / 3_600;
    const checked = profileRuns.firsts.reduce((sum, n) => sum + n, 0);
    const analyticHours = expected / ratePerSecond / 3_600;
    const verdict: ObservedVerdict = analyticHours >= p.holdsFromHours ? 'HOLDS' : 'PARTIAL';
    const consistency = checkAgainstModel(profileRuns, model.held, expected, m);
    if (consistency.problem !== null) throw new Error(`challenge-birthday: the trials disagree with the analytic model for ${profile.name}, so its expectation cannot decide: ${consistency.problem}`);
    const reasons = [...new Set(profileRuns.runs.map((r) => r.reason).filter((r) => r !== null))].join('/');
    const policyText = policy.kind === 'clear-at' ? `emptied past ${policy.limit}` : `window ${policy.windowMs / 1000} s, capacity ${policy.capacity}, keyed by ${profile.discoveryReplayKey}`;
    const measured =
      rejectedTrials === 0
        ? `no legitimate announcement was rejected in any of ${trialsRun} trials (${checked} announcements, ${(checked / ratePerSecond / 3_600).toFixed(1)} h of traffic; analytic probability per ${p.horizonHours} h trial ${analyticWithinHorizon.toExponential(2)})`
        : `a legitimate announcement was rejected (${reasons}) within the ${p.horizonHours} h horizon in ${rejectedTrials} of ${trialsRun} trials (analytic probability ${analyticWithinHorizon.toFixed(3)}), the first after ${m.mean.toFixed(0)} ± ${m.standardError.toFixed(0)} announcements on average (mean ± s.e.${censored ? `; ${censored} trials reached the horizon and count as ${horizonMessages}, so this is a lower bound` : ''}), ${hoursToFirst.toFixed(2)} h`;
    return {
      observations: [
        {
          claim: 'S9',
          verdict,
          evidence:
            `${p.nodes} nodes announcing every ${p.intervalMs / 1000} s (${ratePerSecond.toFixed(0)} announcements/s), ${profile.name}'s memory (${policyText}): analytic expectation ${expected.toFixed(0)} announcements until a legitimate one is rejected, ${analyticHours.toFixed(2)} h of this traffic — ${verdict === 'HOLDS' ? 'at least' : 'less than'} the ${p.holdsFromHours} h threshold. ` +
            `Measured, as a check of that model: ${measured}; ${consistency.predictedTrialsWithRejection.toFixed(2)} trials with a rejection predicted, ${rejectedTrials} seen. ` +
            `Method check, unbounded memory: ${u.mean.toFixed(0)} ± ${u.standardError.toFixed(0)} over ${unbounded.length} trials against the birthday bound ${unboundedExpectation(CHALLENGE_SPACE).toFixed(0)}. ` +
            `The real discovery path (signed announcements into a DiscoveryAgent) replayed trial ${checkTrial + 1} and ${agent.firstRejection === null ? `rejected nothing in its first ${agentCap} announcements, as the cache did` : `rejected the same announcement, number ${agent.firstRejection}`}.`,
        },
      ],
      counts: {
        trials: trialsRun,
        trialsWithRejection: rejectedTrials,
        announcementsChecked: checked,
        agentCheckedTrial: checkTrial + 1,
        agentCheckedMessages: agent.firstRejection ?? agentCap,
        agentFirstRejection: agent.firstRejection ?? -1,
      },
      figures: {
        announcementsPerSecond: ratePerSecond,
        unboundedMeasuredMean: u.mean,
        unboundedMeasuredStandardError: u.standardError,
        unboundedAnalytic: unboundedExpectation(CHALLENGE_SPACE),
        // A trial without a rejection counts its whole length: with any such trial the mean is only a lower bound.
        ...(censored === 0
          ? { profileMeasuredMean: m.mean, profileMeasuredStandardError: m.standardError, profileMeasuredHoursToFirstRejection: hoursToFirst }
          : { profileMeasuredMeanLowerBound: m.mean, profileMeasuredHoursToFirstRejectionLowerBound: hoursToFirst }),
        profileAnalytic: expected,
        profileAnalyticHours: analyticHours,
        holdsFromHours: p.holdsFromHours,
        profilePredictedTrialsWithRejection: consistency.predictedTrialsWithRejection,
        profileAnalyticRejectionWithinHorizon: analyticWithinHorizon,
        profileObservedRejectionWithinHorizon: rejectedTrials / trialsRun,
      },
      trace: evidenceTrail(profileRuns.runs, checkTrial, agent, agentCap, p.nodes, p.intervalMs),
      traceHash: null,
    };
  },
});
