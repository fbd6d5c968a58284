/** The asoc-lab command: one subcommand per job. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import { pathToFileURL } from 'node:url';
import { MEASURING_NODE_ENV, MEASURING_NODE_FLAGS, runsAsMeasuringNode } from '../bench/measuring-node.ts';
import { attackCommand } from './commands/attack.ts';
import { benchCommand } from './commands/bench.ts';
import { calibrateCommand } from './commands/calibrate.ts';
import { compareCommand } from './commands/compare.ts';
import { UsageError, type Command } from './commands/common.ts';
import { nodeCommand, recvCommand } from './commands/node.ts';
import { clinicCommand } from './commands/clinic.ts';
import { reportCommand } from './commands/report.ts';
import { scenarioCommand } from './commands/scenario.ts';
import { sendCommand } from './commands/send.ts';
import { simCommand } from './commands/sim.ts';
import { topoCommand } from './commands/topo.ts';
import { verifyCommand } from './commands/verify.ts';

const COMMANDS: Command[] = [verifyCommand, compareCommand, reportCommand, nodeCommand, sendCommand, recvCommand, benchCommand, clinicCommand, simCommand, scenarioCommand, calibrateCommand, attackCommand, topoCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: asoc-lab <command> [options]   (asoc-lab <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`asoc-lab: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`asoc-lab ${name}: ${err.message}`);
      return 2;
    }
    // Lab errors say what went wrong in their message; the stack is for ASOC_DEBUG=1.
    const detail = err instanceof Error ? (process.env.ASOC_DEBUG ? (err.stack ?? err.message) : `${err.name}: ${err.message}`) : String(err);
    console.error(`asoc-lab ${name}: ${detail}`);
    return 1;
  }
}

/**
 * The command line's entry (bin/asoc-lab.js and `tsx lab/cli.ts`): a measuring command that was not
 * started with the measuring Node flags and environment (bench/measuring-node.ts) runs again in a
 * Node that has them, this process waiting for its exit code.
 */
const RESTARTED_ENV = 'ASOC_LAB_RESTARTED';

export async function runCli(argv: string[]): Promise<number> {
  const command = COMMANDS.find((c) => c.name === argv[0]);
  // RESTARTED_ENV: a Node that drops the flag anyway runs the command rather than restart forever.
  if (!command?.measures || runsAsMeasuringNode() || process.env[RESTARTED_ENV]) return main(argv);
  const env = { ...process.env, ...MEASURING_NODE_ENV, [RESTARTED_ENV]: '1' };
  const again = spawn(process.execPath, [...MEASURING_NODE_FLAGS, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  // Ctrl-C reaches the whole process group, so the command already has it and decides; a signal
  // sent to this process alone is passed on.
  const ignore = (): void => {};
  const forward = (signal: NodeJS.Signals): void => void again.kill(signal);
  process.on('SIGINT', ignore);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, forward);
  const [code, signal] = (await once(again, 'exit')) as [number | null, NodeJS.Signals | null];
  return code ?? 128 + constants.signals[signal!];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
