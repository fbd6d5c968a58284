/** `asoc-lab bench soak`: its flags and its summary (the soaking is bench/soak.ts). */
import { runSoakBench, SOAK_DEFAULTS, SOAK_LIMITS, SOAK_PROFILES, type SoakOptions, type SoakReport, type SendTally } from '../../../bench/soak.ts';
import { integerFlag, parseFlags, UsageError } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';

const help = `Usage: asoc-lab bench soak [options]

Keeps a node under test (its own process) busy over loopback with every kind of peer at once:
bulk transfers both ways, many small streams, handshake-and-close churn, connections refused
before their handshake (not ASoc, truncated header, oversized HELLO, wrong type, many tiny
frames, silence), peers that stop reading while it sends to them, and peers that send part of a
frame and fall silent. Samples its RSS and heap after a full GC and its open file descriptors
(Linux), and checks that every send settled, every confirmed byte arrived both ways, every send
to a stopped reader ended in its send timeout and every partial frame was closed. The node runs
with short limits (send stall ${SOAK_LIMITS.sendStallTimeoutMs / 1000} s, partial frame ${SOAK_LIMITS.partialFrameTimeoutMs / 1000} s, handshake ${SOAK_LIMITS.handshakeTimeoutMs / 1000} s).
Writes reports/bench-soak-<time>.json; exit status 1 when a check failed.
  --profiles LIST   comma-separated, soaked one after the other (default ${SOAK_DEFAULTS.profiles.join(',')};
                    any of ${SOAK_PROFILES.join(', ')})
  --duration S      seconds per profile (default ${SOAK_DEFAULTS.seconds})
  --sample-every S  seconds between samples of the node (default ${SOAK_DEFAULTS.sampleEverySeconds})
  --out DIR         report directory (default reports)`;

export function parseSoakArgs(argv: string[]): (SoakOptions & { out?: string }) | undefined {
  const { values } = parseFlags(argv, { profiles: { type: 'string' }, duration: { type: 'string' }, 'sample-every': { type: 'string' }, out: { type: 'string' } });
  if (values.help) {
    console.log(help);
    return undefined;
  }
  const profiles = values.profiles?.split(',').map((p) => p.trim()) ?? SOAK_DEFAULTS.profiles;
  for (const name of profiles) if (!SOAK_PROFILES.includes(name)) throw new UsageError(`--profiles: "${name}" cannot be soaked (one of: ${SOAK_PROFILES.join(', ')})`);
  return {
    profiles,
    seconds: integerFlag('duration', values.duration, SOAK_DEFAULTS.seconds, 1, 86_400),
    sampleEverySeconds: integerFlag('sample-every', values['sample-every'], SOAK_DEFAULTS.sampleEverySeconds, 1, 3_600),
    ...(values.out ? { out: values.out } : {}),
  };
}

const sendsText = (t: SendTally) => `${t.started} (${t.delivered} delivered, ${Object.entries(t.rejected).map(([why, n]) => `${n} ${why}`).join(', ') || '0 rejected'}, ${t.unsettled} unsettled)`;

export function printSoakSummary(report: SoakReport): void {
  const m = report.machine;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion}; ${report.config.seconds} s per profile`);
  for (const r of report.results) {
    const first = r.samples[0];
    const last = r.samples.at(-1);
    const max = (key: 'rssMiB' | 'heapUsedMiB' | 'fds') => Math.max(...r.samples.map((s) => s[key]));
    console.log(`\n${r.profile}: ${r.failures.length === 0 ? 'PASS' : 'FAIL'}`);
    printTable([
      ['node under test', 'first', 'max', 'last'],
      ['RSS MiB', String(first?.rssMiB), String(max('rssMiB')), String(last?.rssMiB)],
      ['heap after GC MiB', String(first?.heapUsedMiB), String(max('heapUsedMiB')), String(last?.heapUsedMiB)],
      ['open fds', String(first?.fds), String(max('fds')), String(last?.fds)],
    ]);
    console.log(`sends to the node: ${sendsText(r.sends.toNode)}; small streams: ${sendsText(r.sends.streamsToNode)}`);
    console.log(`sends from the node: ${sendsText(r.sends.fromNode)}; to stopped readers: ${sendsText(r.sends.toStoppedReaders)}`);
    console.log(`bytes confirmed → received: to the node ${r.bytes.confirmedToNode} → ${r.bytes.receivedByNode}, from the node ${r.bytes.confirmedFromNode} → ${r.bytes.receivedFromNode}`);
    const refused = Object.values(r.churn.refusedConnections).reduce((a, b) => a + b, 0);
    console.log(`churn: ${r.churn.handshakeCycles} handshake cycles, ${refused} connections refused before their handshake, ${r.churn.partialFramesClosedByNode}/${r.churn.partialFrames} partial frames closed by the node`);
    for (const failure of r.failures) console.log(`  FAILED: ${failure}`);
  }
}

export const runSoakCli = benchCli({ name: 'soak', parse: parseSoakArgs, run: runSoakBench, print: printSoakSummary, failed: (report) => report.results.some((r) => r.failures.length > 0) });
