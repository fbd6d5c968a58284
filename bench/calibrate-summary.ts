/** The calibration as `asoc-lab calibrate` prints it: costs with intervals and spreads, and the decision. */
import type { CalibrationReport } from './calibrate.ts';

type Side = CalibrationReport['attempts'][number]['sides']['asoc-v1']['send'];

const percent = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(0)} %`);
const us = (ms: number) => (ms * 1e3).toFixed(2);
const ns = (ms: number) => (ms * 1e6).toFixed(3);

function costCell(cost: Side['perFrameMs'], unit: (ms: number) => string): string {
  return `${unit(cost.median)} [${unit(cost.interval.low)}, ${unit(cost.interval.high)}]`;
}

export function calibrationSummaryLines(report: CalibrationReport): string[] {
  const m = report.machine;
  const lines = [`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion} ${m.platform}/${m.arch}, kernel ${m.kernel}`];
  const pin = report.settings.pinning;
  lines.push(pin ? `sender's main thread on CPU ${pin.sender}, receiver process on CPU ${pin.receiver}` : 'not pinned (no taskset or fewer than 2 CPUs)');
  for (const a of report.attempts) {
    const load = `load ${a.noise.loadAverage.start.toFixed(1)}→${a.noise.loadAverage.end.toFixed(1)}, machine busy ${percent(a.noise.busyFraction)}, ${a.noise.seconds.toFixed(0)} s`;
    lines.push(`attempt ${a.attempt}: ${a.accepted ? 'stable' : `rejected: ${a.problems.join('; ')}`} (${load})`);
  }
  const last = report.attempts.at(-1)!;
  const rows = [['protocol', 'side', 'per frame µs [95 % interval]', 'spread', 'per byte ns [95 % interval]', 'spread', 'max residual', 'r²']];
  for (const [protocol, sides] of Object.entries(last.sides)) {
    for (const [side, s] of Object.entries(sides)) {
      rows.push([protocol, side, costCell(s.perFrameMs, us), percent(s.perFrameMs.spread), costCell(s.perByteMs, ns), percent(s.perByteMs.spread), percent(s.maxResidual), s.rSquared.toFixed(3)]);
    }
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  for (const row of rows) lines.push(row.map((text, col) => (col < 2 ? text.padEnd(widths[col]!) : text.padStart(widths[col]!))).join('  '));
  const costs = (c: { cpu: CalibrationReport['cpu']; asocFrame?: CalibrationReport['asocFrame'] }) =>
    `per byte ${ns(c.cpu.sendPerByteMs)} send / ${ns(c.cpu.receivePerByteMs)} receive ns, per ASoc frame ${us(c.asocFrame!.sendPerFrameMs)} / ${us(c.asocFrame!.receivePerFrameMs)} µs`;
  lines.push(`simulator costs (medians over rounds): ${costs(report)}`);
  if (report.bounds) lines.push(`  low end: ${costs(report.bounds.low)}`, `  high end: ${costs(report.bounds.high)}`);
  const r = report.settings.rules;
  const rule = `spread ≤ ${percent(r.maxSpread)}, every round at every frame size within ±${percent(r.maxResidual)} of what the median costs predict, no cost fixed at 0, ≥ ${r.minRounds} rounds`;
  lines.push(report.stability.accepted ? `decision: ACCEPTED (${rule})` : `decision: REJECTED (${rule}): the simulated claims will be UNDECIDED with this file`);
  lines.push(`why costs move: ${report.diagnosis.text}`);
  return lines;
}

/** The calibration in one paragraph: the decision, the simulator's costs with intervals and spreads, and why they move. */
export function calibrationSentence(report: CalibrationReport): string {
  const last = report.attempts.at(-1)!;
  const side = last.sides['asoc-v1'];
  const cost = (c: Side['perByteMs'], unit: (ms: number) => string) => `${unit(c.median)} [${unit(c.interval.low)}, ${unit(c.interval.high)}] (spread ${percent(c.spread)})`;
  const decision = report.stability.accepted ? `accepted at attempt ${last.attempt} of ${report.settings.attempts}` : `REJECTED after ${report.attempts.length} attempt(s): ${report.stability.problems.join('; ')}`;
  return (
    `${decision}; asoc-v1 per byte ${cost(side.send.perByteMs, ns)} ns send, ${cost(side.receive.perByteMs, ns)} ns receive; ` +
    `per frame ${cost(side.send.perFrameMs, us)} µs send, ${cost(side.receive.perFrameMs, us)} µs receive; ${report.settings.rounds} rounds at ${report.settings.sizes.map((s) => `${s.chunkSize / 1024} KiB`).join(', ')} frames. ` +
    `Why costs move: ${report.diagnosis.text}`
  );
}
