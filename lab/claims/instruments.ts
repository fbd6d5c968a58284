/**
 * The registry of instruments `asoc-lab verify` runs, in order. Each instrument's claims (how it
 * decides each, and what that reaches) come from its decider module (codec-claims.ts,
 * subduction-claims.ts, stt-claims.ts, stt-udp-claims.ts, threat-claims.ts, bench-claims.ts, sim-claims.ts); from this registry come which instrument
 * decides a claim, the catalogue's "decided by" (decidedBy), verify's steps, skip flags and --only,
 * and the reach in each verdict's evidence. A later instrument's verdict for a claim replaces an
 * earlier one's (the benchmarks' P1, with JWT and gRPC, replaces the codecs' P1).
 */
import { FULL_CALIBRATION, QUICK_CALIBRATION, runCalibration, writeCalibration } from '../../bench/calibrate.ts';
import { calibrationSentence } from '../../bench/calibrate-summary.ts';
import { existsSync } from 'node:fs';
import { BENCH_CLAIMS, type BenchClaim } from './bench-claims.ts';
import { decideBenchClaims } from './bench-evidence.ts';
import type { Claim } from './catalogue.ts';
import { CODEC_DECISIONS, decideCodecClaims } from './codec-claims.ts';
import { containerFidelity } from './container-fidelity.ts';
import { measureGoodputSweep, SWEEP_GRIDS } from './goodput-sweep.ts';
import { withReach, type Instrument, type Measurement } from './instrument.ts';
import { measureLoopbackThroughput } from './loopback-throughput.ts';
import { decideSimulatedClaims, SIM_DECISIONS } from './sim-claims.ts';
import { decideSttClaims, STT_DECISIONS } from './stt-claims.ts';
import { decideSttUdpClaims, STT_UDP_DECISIONS } from './stt-udp-claims.ts';
import { decideSubductionClaims, SUBDUCTION_DECISIONS } from './subduction-claims.ts';
import { decideThreatClaims, THREAT_DECISIONS, THREAT_SCENARIO_DIR } from './threat-claims.ts';

const codecs: Instrument = {
  name: 'codecs',
  title: 'codecs and connection core',
  claims: { ...CODEC_DECISIONS, ...SUBDUCTION_DECISIONS, ...STT_DECISIONS },
  async run() {
    return { claims: [...decideCodecClaims(), ...decideSubductionClaims(), ...decideSttClaims()], measurements: [] };
  },
};

const sttOverUdp: Instrument = {
  name: 'stt-udp',
  title: 'stt over simulated UDP',
  claims: STT_UDP_DECISIONS,
  async run() {
    const { claims, measured } = decideSttUdpClaims();
    const runs = (['baseline', 'lossy', 'reordered'] as const).map((name) => [name, measured[name]] as const);
    return {
      claims,
      measurements: [
        {
          name: 'stt over simulated UDP: stream isolation and reassembly',
          summary: `${runs.map(([name, r]) => `${name}: ${r.streams.map((s) => `stream ${s.streamId}${s.lossy && r.options.loss > 0 ? ' (lossy)' : ''} worst ${s.latencyMs?.max.toFixed(2) ?? '—'} ms`).join(', ')}, ${r.retransmissions} retransmissions, ${r.segmentsOutOfOrder} segments out of order`).join('; ')}; over TCP (${measured.overTcp.packetsLost} packets lost): worst ${measured.overTcp.streams.map((s) => `${s.latencyMs?.max.toFixed(2) ?? '—'} ms`).join(' and ')}`,
          seeds: Object.fromEntries(runs.map(([name, r]) => [`stream-isolation ${name}`, r.options.seed])),
          data: measured,
        },
      ],
    };
  },
};

const threats: Instrument = {
  name: 'threats',
  title: 'threat scenarios, every profile',
  claims: THREAT_DECISIONS,
  skipFlag: 'no-threats',
  async run(ctx) {
    const threatResults = await decideThreatClaims({
      exclude: new Set(Object.keys(codecs.claims)),
      onScenario: (name, index, total) => ctx.progress(index / total, name),
    });
    const rows = threatResults.results.flatMap((r) => r.rows);
    const mismatched = rows.filter((r) => !r.match);
    return {
      claims: threatResults.claims,
      measurements: [
        {
          name: 'threat scenarios',
          summary: `${threatResults.results.length} scenarios, ${rows.length} verdicts (claim × profile × scenario); ${mismatched.length} differ from the expectations in scenarios/threat-expectations.yaml. Each run's counts, figures, trace excerpt and trace hash are in the JSON; rerun with asoc-lab scenario run ${THREAT_SCENARIO_DIR}.`,
          seeds: Object.fromEntries(threatResults.results.map((r) => [r.scenario, r.seed])),
          data: threatResults.results,
        },
      ],
      mismatches: mismatched.map((r) => `${r.claim} ${r.profile} in ${r.scenario}: expected ${r.expected}, observed ${r.observed}`),
    };
  },
};

/** The benchmark instrument deciding `claims` (BENCH_CLAIMS; a test adds one to see what else it takes). */
export function benchmarkInstrument(claims: readonly BenchClaim[] = BENCH_CLAIMS): Instrument {
  const ids = claims.map((c) => c.id);
  return {
    name: 'benchmarks',
    title: 'loopback benchmarks',
    claims: Object.fromEntries(claims.map(({ id, by, reach }) => [id, { by, reach }])),
    skipFlag: 'no-bench-claims',
    async run(ctx) {
      const benched = await decideBenchClaims({ quick: ctx.quick, claims, log: (line) => ctx.log(line), progress: (fraction, label) => ctx.progress(fraction, label) });
      return {
        claims: benched.claims,
        measurements: [
          {
            name: `benchmarks for ${ids.join(', ')}`,
            summary: `handshake, bytes-per-message, latency, CPU, throughput and crypto benches over loopback with verify's ${ctx.quick ? 'quick' : 'full'} settings (timed ones in interleaved rounds; each claim's evidence has the settings, the per-round figures and the machine-noise check), ${benched.wallSeconds.toFixed(0)} s wall; longer runs: npm run bench:<name>`,
            data: { settings: benched.settings, benches: benched.reports },
          },
        ],
      };
    },
  };
}

/** verify --quick simulates every stream with this fraction of its scenario's bytes (the same steady state, an eighth of the events). */
const QUICK_SIM_BYTES_DIVISOR = 8;

const simulator: Instrument = {
  name: 'simulator',
  title: 'simulated RFC testbeds',
  claims: SIM_DECISIONS,
  skipFlag: 'no-sim',
  async run(ctx) {
    const started = performance.now();
    const measurements: Measurement[] = [];
    let calibrationFile = ctx.calibrationFile;
    if (!calibrationFile) {
      const settings = ctx.quick ? QUICK_CALIBRATION : FULL_CALIBRATION;
      const report = await runCalibration({
        ...settings,
        onProgress: (p) => {
          if (p.run.phase !== 'run') return;
          const done = (p.attempt - 1 + (p.size + (p.run.index + p.run.fraction) / p.run.count) / p.sizes) / p.attempts;
          ctx.progress(0.6 * done, `calibrating the CPU model: attempt ${p.attempt}/${p.attempts}, ${p.chunkSize / 1024} KiB frames`);
        },
      });
      calibrationFile = await writeCalibration(report, `${ctx.out}/calibration.json`);
      measurements.push({ name: 'simulator CPU calibration', summary: `${((performance.now() - started) / 1000).toFixed(0)} s wall, ${calibrationSentence(report)}`, data: report });
    }
    const simulating = performance.now();
    const simulated = decideSimulatedClaims({
      calibrationFile,
      workDir: ctx.out,
      bytesDivisor: ctx.quick ? QUICK_SIM_BYTES_DIVISOR : 1,
      onNotice: (text) => ctx.log(`  note: ${text}`),
      onStep: (label, index, total) => ctx.progress(0.6 + (0.4 * index) / total, `simulating ${label}`),
    });
    const simSeconds = (performance.now() - simulating) / 1000;
    const bytes = ctx.quick ? ` with 1/${QUICK_SIM_BYTES_DIVISOR} of each stream's bytes (verify --quick)` : '';
    for (const run of simulated.runs) {
      for (const s of [run.testbed, run.oneWay, run.fanout]) {
        measurements.push({
          seeds: { [s.scenario]: s.seed },
          name: `simulation ${s.scenario} (${s.workloads.map((w) => w.name).join(', ')}) at the ${run.end === 'point' ? "calibration file's" : `${run.end}-cost end`}`,
          summary: `seed ${s.seed}${bytes}, trace hash ${s.traceHash.slice(0, 16)}…, ${(s.virtualMs / 1000).toFixed(2)} s of virtual time in ${(s.wallMs / 1000).toFixed(1)} s wall; the scenario file (all its workloads, full bytes): asoc-lab sim scenarios/topologies/${s.scenario}.yaml --seed ${s.seed} --calibration ${run.file}`,
          data: s,
        });
      }
    }
    ctx.log(`  simulator instrument: ${((performance.now() - started) / 1000).toFixed(1)} s wall (simulations ${simSeconds.toFixed(1)} s)`);
    return { claims: simulated.claims, measurements };
  },
};

const loopbackThroughput: Instrument = {
  name: 'throughput',
  title: 'loopback throughput, ASoc v1 vs raw TCP',
  claims: {},
  skipFlag: 'no-throughput',
  async run(ctx) {
    // Runs of at least ~0.3 s each at loopback's 3–5 GB/s (shorter ones are mostly connection ramp-up and
    // timer ticks); quick ≤ 30 s, full ≤ 2 min on the lab's 2-core VM. Rounds are what the ratio's interval comes from.
    const settings = ctx.quick ? { totalBytes: 1024 ** 3, runs: 9 } : { totalBytes: 2 * 1024 ** 3, runs: 15 };
    return { claims: [], measurements: [await measureLoopbackThroughput(settings)] };
  },
};

const sweep: Instrument = {
  name: 'sweep',
  title: 'simulated goodput against loss and RTT',
  claims: {},
  skipFlag: 'no-sweep',
  async run(ctx) {
    // --calibration, else the simulator step's calibration of this machine, else the simulator's default file or placeholders (with a notice).
    const written = `${ctx.out}/calibration.json`;
    const calibrationFile = ctx.calibrationFile ?? (existsSync(written) ? written : undefined);
    const grid = ctx.quick ? SWEEP_GRIDS.quick : SWEEP_GRIDS.full;
    const measurement = measureGoodputSweep({
      ...grid,
      calibrationFile,
      onNotice: (text) => ctx.log(`  note: ${text}`),
      onPoint: (done, total) => ctx.progress(done / total, `point ${done}/${total}`),
    });
    return { claims: [], measurements: [measurement] };
  },
};

/** The instrument with its reach put into the evidence of every claim it decides. */
function withReachInEvidence(instrument: Instrument): Instrument {
  return {
    ...instrument,
    async run(ctx) {
      const outcome = await instrument.run(ctx);
      return { ...outcome, claims: outcome.claims.map((claim) => withReach(claim, instrument)) };
    },
  };
}

/** verify's steps, in order, with the benchmark instrument deciding `benchClaims`. */
export function instrumentRegistry(benchClaims: readonly BenchClaim[] = BENCH_CLAIMS): readonly Instrument[] {
  return [codecs, sttOverUdp, threats, benchmarkInstrument(benchClaims), simulator, containerFidelity, loopbackThroughput, sweep].map(withReachInEvidence);
}

export const INSTRUMENTS: readonly Instrument[] = instrumentRegistry();

/** The instruments that decide `id`, in the order they run. */
export function instrumentsFor(id: string, instruments: readonly Instrument[] = INSTRUMENTS): Instrument[] {
  return instruments.filter((i) => id in i.claims);
}

/**
 * What decides a claim, for a report without its verdict ("needs …"): each instrument that decides
 * it, how, and the flag that skips it; or the catalogue's reason why nothing in the lab decides it.
 */
export function decidedBy(claim: Claim, instruments: readonly Instrument[] = INSTRUMENTS): string {
  const deciding = instrumentsFor(claim.id, instruments);
  if (deciding.length === 0) return claim.undecidedBecause ?? 'an instrument, which the lab does not have yet';
  return deciding.map((i) => `${i.claims[claim.id]!.by} (verify's ${i.name} step${i.skipFlag ? `, unless --${i.skipFlag}` : ''})`).join(', then ');
}
