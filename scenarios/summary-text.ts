/** A run's summary as text for a terminal: the headline figures, one row per workload, the nodes. */
import type { ScenarioSummary } from './runner.ts';
import type { Spread } from '../bench/stats.ts';

/** Nodes are listed one per row up to this many; beyond, only their totals. */
const NODE_ROWS = 16;

function formatTable(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((text, col) => (col === 0 ? text.padEnd(widths[col]!) : text.padStart(widths[col]!))).join('  ').trimEnd());
}

const fixed = (n: number | null | undefined, digits = 1): string => (n === null || n === undefined ? '-' : n.toFixed(digits));
/** MB/s with three significant digits below 100 (a lossy path's 0.214 MB/s is not "0.2"). */
const rate = (n: number | null | undefined): string => (n === null || n === undefined ? '-' : n >= 100 ? n.toFixed(1) : n.toPrecision(3));
const rateSpread = (s: Spread | null): string => (s === null ? '-' : `${rate(s.min)} / ${rate(s.median)} / ${rate(s.max)}`);
const spreadText = (s: Spread | null, digits = 1): string => (s === null ? '-' : `${fixed(s.min, digits)} / ${fixed(s.median, digits)} / ${fixed(s.max, digits)}`);
const count = (n: number): string => n.toLocaleString('en-US');
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

export function formatSummary(summary: ScenarioSummary): string[] {
  const s = summary;
  const lines = [
    `${s.scenario}: ${s.description}${s.claims.length > 0 ? ` (informs ${s.claims.join(', ')})` : ''}`,
    `seed ${s.seed} · virtual ${fixed(s.virtualMs, 1)} ms (stopped: ${s.stop.reason}) · ${count(s.events)} events · wall ${(s.wallMs / 1000).toFixed(2)} s · trace sha256 ${s.traceHash}`,
  ];
  if (s.calibration !== null) lines.push(`CPU costs of calibrated hosts: ${s.calibration}`);
  for (const f of s.fabrics) lines.push(`fabric ${f.name}: ${f.racks} racks, ${f.spines} spines, oversubscription ${fixed(f.oversubscription, 2)}:1`);
  if (s.workloads.length > 0) {
    lines.push('', 'MB = 10^6 bytes; goodput in virtual time, over each stream from send() to the receiver\'s receipt');
    lines.push(
      ...formatTable([
        ['workload', 'streams', 'done', 'failed', 'pending', 'delivered MB', 'aggregate MB/s', 'per stream MB/s min/med/max', 'completion ms (median)', 'bottleneck', 'util link/cpu/window (median)'],
        ...s.workloads.map((w) => {
          const u = w.utilisation;
          return [
            w.name,
            String(w.streams),
            String(w.completed),
            String(w.failed),
            String(w.pending),
            mb(w.bytesDelivered),
            rate(w.aggregateGoodputMBps),
            rateSpread(w.goodputMBps),
            fixed(w.completionMs?.median),
            w.bottleneck ?? '-',
            u ? `${fixed(u.link, 2)}/${fixed(u.cpu, 2)}/${fixed(u.window, 2)}` : '-',
          ];
        }),
      ]),
    );
  }
  if (s.collectives.length > 0) {
    lines.push('', 'collectives: completion from the first send to the last arrival (virtual time), against the ideal (Σ over phases of the busiest channel\'s load ÷ rate)');
    lines.push(
      ...formatTable([
        ['collective', 'kind', 'nodes', 'transfers', 'done', 'failed', 'delivered MB', 'completion ms', 'ideal ms', '× ideal', 'link use min/med/max', 'drops port/cpu', 'limit', 'util link/cpu/window'],
        ...s.collectives.map((c) => {
          const use = c.links.flatMap((l) => (l.utilisation === null ? [] : [l.utilisation]));
          const sorted = [...use].sort((a, b) => a - b);
          return [
            c.name,
            c.kind,
            String(c.participants.length + (c.server === null ? 0 : 1)),
            String(c.transfers),
            String(c.delivered),
            String(c.failed),
            mb(c.bytesDelivered),
            fixed(c.completionMs, 2),
            fixed(c.idealMs, 2),
            fixed(c.timesTheIdeal, 3),
            sorted.length === 0 ? '-' : `${fixed(sorted[0], 2)}/${fixed(sorted[Math.floor(sorted.length / 2)], 2)}/${fixed(sorted.at(-1), 2)}`,
            `${count(c.drops)}/${count(c.cpuBacklogDrops)}`,
            c.limit?.bottleneck ?? '-',
            c.limit ? `${fixed(c.limit.utilisation.link, 2)}/${fixed(c.limit.utilisation.cpu, 2)}/${fixed(c.limit.utilisation.window, 2)}` : '-',
          ];
        }),
      ]),
    );
    for (const c of s.collectives) if (c.error !== null) lines.push(`${c.name} failed: ${c.error}`);
  }
  const t = s.totals;
  lines.push(
    '',
    `nodes ${count(t.nodes)} · peers per node min/med/max ${spreadText(t.peersPerNode, 0)} (dialed ${spreadText(t.dialedPerNode, 0)}) · handshakes ${count(t.handshakes)} · dial attempts ${count(t.dialAttempts)} · auth failures ${count(t.authFailures)}`,
    `streams received: ${count(t.streamsIntact)} intact (SHA-256 checked), ${count(t.streamsCorrupt)} corrupt, ${count(t.streamsAborted)} aborted`,
  );
  if (t.discoveredPerNode !== null) lines.push(`peers discovered per node min/med/max ${spreadText(t.discoveredPerNode, 0)}`);
  if (s.nodes.length <= NODE_ROWS) {
    lines.push(
      '',
      ...formatTable([
        ['node', 'address', 'peers', 'dialed', 'MB in', 'MB out', 'CPU busy', 'streams in', 'closed'],
        ...s.nodes.map((n) => [
          n.name,
          n.address,
          String(n.peers),
          String(n.dialedPeers),
          mb(n.counters.bytesIn),
          mb(n.counters.bytesOut),
          `${(n.cpuUtilisation * 100).toFixed(1)} %`,
          `${n.streams.intact}/${n.streams.corrupt}/${n.streams.aborted}`,
          Object.entries(n.counters.connectionsClosed).map(([reason, k]) => `${reason} ${k}`).join(', ') || '-',
        ]),
      ]),
      '(streams in: intact/corrupt/aborted)',
    );
  }
  return lines;
}
