/**
 * `asoc-lab clinic <bench> [args…]`: one benchmark under clinic (`clinic flame` for where the CPU
 * goes, `clinic doctor` for event-loop delay, GC and handles), each in its own run, and where the
 * HTML went. Only the benchmark's main process is profiled: a receiver child (throughput) is not.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { integerFlag, UsageError, type Command } from './common.ts';

export const CLINIC_TOOLS = ['flame', 'doctor'] as const;
export type ClinicTool = (typeof CLINIC_TOOLS)[number];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLINIC_BIN = resolve(ROOT, 'node_modules/.bin/clinic');
const CLI = resolve(ROOT, 'lab/cli.ts');
const DEFAULT_DEST = 'reports/clinic';
const DEFAULT_TIMEOUT_S = 600;

/**
 * clinic asks for permission to send usage statistics on first use; with no terminal to ask on it
 * exits at once with status 0 and no output. NO_INSIGHT answers "no" (clinic's own switch), and
 * NO_UPDATE_NOTIFIER stops its update check from reaching the network.
 */
const CLINIC_ENV = { NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' };

export interface ClinicRun {
  tool: ClinicTool;
  /** The HTML report clinic wrote (checked to exist). */
  html: string;
  exitCode: number;
}

/** Why clinic cannot run here, or null when it can (its binary is there and answers --version). */
export async function clinicUnavailable(): Promise<string | null> {
  if (!existsSync(CLINIC_BIN)) return `clinic is not installed: ${CLINIC_BIN} does not exist (it is a devDependency: npm install)`;
  const { code, output } = await run(CLINIC_BIN, ['--version'], 30_000);
  if (code !== 0 || !/^v\d+/m.test(output)) return `clinic --version failed (exit ${code}): ${output.trim().slice(0, 300)}`;
  return null;
}

interface Finished {
  code: number;
  output: string;
}

/** Runs a command, echoing its output as it comes, killed after `timeoutMs`; resolves with all its output. */
function run(command: string, args: string[], timeoutMs: number, echo = false): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env: { ...process.env, ...CLINIC_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (stream: NodeJS.WriteStream) => (piece: Buffer) => {
      output += piece.toString();
      if (echo) stream.write(piece);
    };
    child.stdout.on('data', collect(process.stdout));
    child.stderr.on('data', collect(process.stderr));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code: timedOut ? -1 : (code ?? -1), output: timedOut ? `${output}\n(killed after ${timeoutMs} ms)` : output });
    });
  });
}

export interface ClinicOptions {
  bench: string;
  benchArgs: string[];
  tools: ClinicTool[];
  dest: string;
  timeoutS: number;
  /** Echo clinic's and the benchmark's output. Default true. */
  echo?: boolean;
}

/** Runs the benchmark under each tool in turn; throws with clinic's output when a run produced no report. */
export async function runUnderClinic(options: ClinicOptions): Promise<ClinicRun[]> {
  const runs: ClinicRun[] = [];
  for (const tool of options.tools) {
    const args = [tool, '--open=false', '--dest', options.dest, '--', process.execPath, '--import', 'tsx', CLI, 'bench', options.bench, ...options.benchArgs];
    const { code, output } = await run(CLINIC_BIN, args, options.timeoutS * 1000, options.echo ?? true);
    const html = /Generated HTML file is (?:file:\/\/)?(\S+\.html)/.exec(output)?.[1];
    if (!html || !existsSync(html)) {
      throw new Error(`clinic ${tool} wrote no report (exit ${code}); its output ended with:\n${output.trim().split('\n').slice(-15).join('\n')}`);
    }
    runs.push({ tool, html, exitCode: code });
  }
  return runs;
}

const help = `Usage: asoc-lab clinic [--tool flame|doctor|both] [--dest DIR] [--timeout S] <bench> [bench args…]

Runs \`asoc-lab bench <bench> [bench args…]\` under clinic (node_modules/.bin/clinic): flame (a
flame graph of where CPU time goes) and doctor (event-loop delay, GC, handles), one run each, and
prints where each HTML report went. Only the benchmark's own process is profiled.
  --tool T      flame, doctor or both (default both)
  --dest DIR    where clinic writes (default ${DEFAULT_DEST})
  --timeout S   kill a run after S seconds (default ${DEFAULT_TIMEOUT_S})
Example: asoc-lab clinic latency --sizes 1KiB --duration 5`;

/** Splits clinic's own flags (before the bench name) from the bench's arguments (after it). */
export function parseClinicArgs(argv: string[]): ClinicOptions | undefined {
  let tools: ClinicTool[] = [...CLINIC_TOOLS];
  let dest = DEFAULT_DEST;
  let timeoutS = DEFAULT_TIMEOUT_S;
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value\n\n${help}`);
    return v;
  };
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      console.log(help);
      return undefined;
    } else if (flag === '--tool') {
      const tool = value(flag);
      if (tool === 'both') tools = [...CLINIC_TOOLS];
      else if ((CLINIC_TOOLS as readonly string[]).includes(tool)) tools = [tool as ClinicTool];
      else throw new UsageError(`--tool must be flame, doctor or both, got "${tool}"`);
    } else if (flag === '--dest') dest = value(flag);
    else if (flag === '--timeout') timeoutS = integerFlag('timeout', value(flag), DEFAULT_TIMEOUT_S, 1);
    else throw new UsageError(`unknown option ${flag}\n\n${help}`);
  }
  const bench = argv[i];
  if (bench === undefined) throw new UsageError(`which benchmark? (asoc-lab bench --help lists them)\n\n${help}`);
  return { bench, benchArgs: argv.slice(i + 1), tools, dest: resolve(dest), timeoutS };
}

export const clinicCommand: Command = {
  name: 'clinic',
  summary: 'run a benchmark under clinic (flame and doctor) and say where the reports went',
  help,
  async run(argv) {
    const options = parseClinicArgs(argv);
    if (!options) return 0;
    const unavailable = await clinicUnavailable();
    if (unavailable) {
      console.error(`asoc-lab clinic: cannot run clinic here: ${unavailable}`);
      return 1;
    }
    const runs = await runUnderClinic(options);
    for (const r of runs) console.log(`clinic ${r.tool}: ${r.html}${r.exitCode === 0 ? '' : ` (the benchmark exited with ${r.exitCode})`}`);
    return runs.every((r) => r.exitCode === 0) ? 0 : 1;
  },
};
