/** `asoc-lab bench sim-events`: its flags and its summary (the measuring is bench/sim-events.ts). */
import { runSimEventsBench, SIM_EVENTS_DEFAULTS, type SimEventsOptions, type SimEventsReport } from '../../../bench/sim-events.ts';
import { integerFlag, parseFlags } from '../common.ts';
import { benchCli } from './bench-cli.ts';

export function printSimEventsSummary(r: SimEventsReport): void {
  console.log(`${r.scenario}${r.traceHash ? ', trace hashed' : ''}; ${r.machine.cpuModel}, node ${r.machine.nodeVersion}`);
  console.log(`${r.simulatedMiB} MiB in ${(r.simulatedMs / 1000).toFixed(3)} s of virtual time (${r.simulatedGoodputGbps.toFixed(2)} Gbit/s simulated)`);
  console.log(`${r.events.toLocaleString('en-US')} events in ${(r.wallMs / 1000).toFixed(2)} s wall: ${r.eventsPerSecond.toLocaleString('en-US')} events/s, ${r.simulatedMiBPerWallSecond.toFixed(0)} simulated MiB per wall second`);
  console.log(`CPU ${(r.cpuMs / 1000).toFixed(2)} s: ${r.eventsPerCpuSecond.toLocaleString('en-US')} events per CPU second`);
  console.log(`heap ${r.heapUsedMiB.toFixed(0)} MiB, RSS ${r.rssMiB.toFixed(0)} MiB`);
}

const help = `Usage: asoc-lab bench sim-events [options]

The simulator's packet path: one bulk TCP transfer between two simulated hosts (10 Gbit/s, 0.1 ms
RTT), after a 4 MiB warm-up; simulated events per wall-clock second and memory.
Writes reports/bench-sim-events-<time>.json.
  --mib N      MiB transferred (default ${SIM_EVENTS_DEFAULTS.mebibytes})
  --no-hash    do not keep the trace hash
  --out DIR    report directory (default reports)`;

export interface SimEventsCliOptions extends SimEventsOptions {
  out?: string;
}

export function parseSimEventsArgs(argv: string[]): SimEventsCliOptions | undefined {
  const { values } = parseFlags(argv, { mib: { type: 'string' }, 'no-hash': { type: 'boolean' }, out: { type: 'string' } });
  if (values.help) {
    console.log(help);
    return undefined;
  }
  return {
    mebibytes: integerFlag('mib', values.mib, SIM_EVENTS_DEFAULTS.mebibytes, 1),
    hash: !values['no-hash'],
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runSimEventsCli = benchCli({ name: 'sim-events', parse: parseSimEventsArgs, run: runSimEventsBench, print: printSimEventsSummary });
