/** The asoc-lab command: one subcommand per job. */
import { pathToFileURL } from 'node:url';
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
