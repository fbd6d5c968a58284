import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { progressBar, showsProgress } from '../../bench/progress.ts';
import { DEFAULT_CALIBRATION_FILE } from '../../bench/calibration-file.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { runScenario, type RunProgress, type ScenarioSummary } from '../../scenarios/runner.ts';
import { formatSummary } from '../../scenarios/summary-text.ts';
import { parseFlags, UsageError, type Command } from './common.ts';

const DEFAULT_OUT = 'reports/sim';

const help = `Usage: asoc-lab sim <scenario.yaml> [--seed N] [--out DIR] [--trace jsonl|none] [--until MS] [--calibration FILE]

Runs a scenario file (scenarios/topologies/*.yaml; format in scenarios/README.md) in the deterministic
network simulator, with the real ASoc core on every simulated host. Prints the seed first, a progress
bar (on a terminal, not in CI), then the summary: per workload the delivered bytes, goodput in
virtual time and what limited it (link, cpu, window, loss or none), and per node its counters.
The same scenario and seed give the same trace hash, always.

  --seed N             seed for every random draw (default: the scenario's seed)
  --out DIR            where the JSON summary (and trace) go (default ${DEFAULT_OUT}):
                       DIR/<scenario file name>-seed-<seed>.json [and .trace.jsonl]
  --trace jsonl|none   also write every packet and protocol event as JSON lines (default none;
                       large: about 4 lines per TCP segment)
  --until MS           stop at this virtual time instead of the scenario's stop.maxMs (it still
                       stops earlier when every stream is delivered, if the scenario says so)
  --calibration FILE   CPU costs for hosts with "cpu: calibrated" (default ${DEFAULT_CALIBRATION_FILE},
                       written by asoc-lab calibrate; without it the simulator's placeholders are used,
                       with a notice)
  -h, --help           this text

Exit status: 0 when the run finished, 1 if a received stream was corrupt (a lab bug), 2 for usage errors.`;

const FLAGS = {
  seed: { type: 'string' },
  out: { type: 'string' },
  trace: { type: 'string' },
  until: { type: 'string' },
  calibration: { type: 'string' },
} as const;

/** An integer seed stays a number (as in the scenario file); anything else is a string seed. */
function seedFlag(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  if (value === '') throw new UsageError('--seed must not be empty');
  return /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

function untilFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!(value.trim() !== '' && Number.isFinite(ms) && ms > 0)) throw new UsageError(`--until must be a positive number of milliseconds, got "${value}"`);
  return ms;
}

function simProgressBar(): { update(p: RunProgress): void; stop(): void } {
  const bar = progressBar();
  return {
    update: (p) => bar.update(Math.min(p.virtualMs, p.maxMs), p.maxMs, `virtual ${p.virtualMs.toFixed(1)} / ${p.maxMs} ms, ${p.events.toLocaleString('en-US')} events`),
    stop: () => bar.stop(),
  };
}

/** Outputs are named after the scenario file, not its `name:`, so a variant file never overwrites the original's. */
async function writeOutputs(summary: ScenarioSummary, file: string, dir: string, jsonl: string | null): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${basename(file, extname(file))}-seed-${String(summary.seed).replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  const written = [`${base}.json`];
  await writeFile(written[0]!, `${JSON.stringify(summary, null, 2)}\n`);
  if (jsonl !== null) {
    written.push(`${base}.trace.jsonl`);
    await writeFile(written[1]!, jsonl);
  }
  return written;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'run a scenario file in the deterministic simulator and write its JSON summary',
  help,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, FLAGS, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`give exactly one scenario file, got ${positionals.length}\n\n${help}`);
    const trace = values.trace ?? 'none';
    if (trace !== 'jsonl' && trace !== 'none') throw new UsageError(`--trace must be jsonl or none, got "${trace}"`);
    const untilMs = untilFlag(values.until);
    const scenario = loadScenario(positionals[0]!);
    const seed = seedFlag(values.seed) ?? scenario.seed;
    console.log(`seed ${seed} (scenario ${scenario.name}; the same seed reproduces this run exactly)`);
    const bar = showsProgress() ? simProgressBar() : null;
    let run;
    try {
      run = runScenario(scenario, {
        seed,
        untilMs,
        recordTrace: trace === 'jsonl',
        calibrationFile: values.calibration,
        onProgress: bar ? (p) => bar.update(p) : undefined,
        onNotice: (text) => console.log(`notice: ${text}`),
      });
    } finally {
      bar?.stop();
    }
    for (const line of formatSummary(run.summary)) console.log(line);
    const written = await writeOutputs(run.summary, positionals[0]!, values.out ?? DEFAULT_OUT, trace === 'jsonl' ? run.trace.toJsonl() : null);
    console.log('');
    for (const path of written) console.log(`wrote ${path}`);
    if (run.summary.totals.streamsCorrupt > 0) {
      console.error(`asoc-lab sim: ${run.summary.totals.streamsCorrupt} stream(s) arrived complete but with the wrong SHA-256`);
      return 1;
    }
    return 0;
  },
};
