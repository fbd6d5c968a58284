/** `asoc-lab bench handshake`: its flags and its summary table (the measuring is bench/handshake.ts). */
import { HANDSHAKE_DEFAULTS, handshakeProtocolNames, runHandshakeBench, type HandshakeBenchOptions } from '../../../bench/handshake.ts';
import type { HandshakeReport } from '../../../bench/handshake-schema.ts';
import { integerFlag, parseFlags, UsageError } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';

export function printHandshakeSummary(report: HandshakeReport): void {
  const m = report.machine;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion}; segments: ${report.config.segmentSource}`);
  const rows = [
    ['protocol', 'app bytes', 'round trips', 'segments', 'wire bytes', 'asoc-v1 smaller', 'handshakes/s', 'connect p50', 'connect p90'],
    ...report.protocols.map((p) => [
      p.name,
      String(p.applicationBytes),
      p.roundTrips === null ? '-' : `${p.roundTrips.count} (${p.roundTrips.estimate.toFixed(2)})`,
      p.segments === null ? '-' : String(p.segments),
      p.wireBytes === null ? '-' : String(p.wireBytes),
      p.asocV1Smaller === null ? '-' : `${(p.asocV1Smaller * 100).toFixed(0)} %`,
      p.rate.perSecond.toFixed(0),
      `${p.rate.connectMs.median.toFixed(2)} ms`,
      `${p.rate.connectMs.p90.toFixed(2)} ms`,
    ]),
  ];
  printTable(rows);
  console.log('\nhandshake CPU work alone (both sides, one process, no sockets):');
  printTable([['protocol', 'handshakes/s', 'µs each'], ...report.compute.map((c) => [c.name, c.perSecond.toFixed(0), c.meanUs.toFixed(1)])]);
}

const help = `Usage: asoc-lab bench handshake [options]

Handshake bytes (application, and wire with 40 B of TCP/IP header per segment counted by the kernel),
round trips above TCP (the estimate before rounding in brackets) and handshakes per second, per
protocol, over loopback. Writes reports/bench-handshake-<time>.json.
  --protocols LIST  comma-separated (default all): ${handshakeProtocolNames().join(', ')}
  --samples N       connections whose bytes are counted, per protocol (default ${HANDSHAKE_DEFAULTS.byteSamples})
  --count N         rate: at most N handshakes per protocol (default ${HANDSHAKE_DEFAULTS.maxHandshakes})
  --duration S      rate: at most S seconds per protocol (default ${HANDSHAKE_DEFAULTS.maxSeconds})
  --rtt-samples N   round trips above TCP: connects through a relay delaying data ${HANDSHAKE_DEFAULTS.roundTripOneWayMs} ms each way,
                    per protocol (default ${HANDSHAKE_DEFAULTS.roundTripSamples}; 0: not measured)
  --out DIR         report directory (default reports)`;

export interface HandshakeCliOptions extends HandshakeBenchOptions {
  out?: string;
}

export function parseHandshakeArgs(argv: string[]): HandshakeCliOptions | undefined {
  const { values } = parseFlags(
    argv,
    { protocols: { type: 'string' }, samples: { type: 'string' }, count: { type: 'string' }, duration: { type: 'string' }, 'rtt-samples': { type: 'string' }, out: { type: 'string' } },
  );
  if (values.help) {
    console.log(help);
    return undefined;
  }
  const protocols = values.protocols?.split(',').map((p) => p.trim()) ?? [];
  for (const name of protocols) if (!handshakeProtocolNames().includes(name)) throw new UsageError(`unknown protocol "${name}" (expected: ${handshakeProtocolNames().join(', ')})`);
  return {
    protocols,
    byteSamples: integerFlag('samples', values.samples, HANDSHAKE_DEFAULTS.byteSamples, 1),
    maxHandshakes: integerFlag('count', values.count, HANDSHAKE_DEFAULTS.maxHandshakes, 1),
    maxSeconds: integerFlag('duration', values.duration, HANDSHAKE_DEFAULTS.maxSeconds, 1),
    roundTripSamples: integerFlag('rtt-samples', values['rtt-samples'], HANDSHAKE_DEFAULTS.roundTripSamples, 0),
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runHandshakeCli = benchCli({ name: 'handshake', parse: parseHandshakeArgs, run: runHandshakeBench, print: printHandshakeSummary });
