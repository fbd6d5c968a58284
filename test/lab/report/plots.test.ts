import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from 'vega-lite';
import { challengeBirthdayPlot } from '../../../lab/report/plots/challenge-birthday.ts';
import { goodputSweepPlot } from '../../../lab/report/plots/goodput-sweep.ts';
import { handshakePlot } from '../../../lab/report/plots/handshake.ts';
import { PLOTS, renderPlots } from '../../../lab/report/plots/index.ts';
import { latencyPlot } from '../../../lab/report/plots/latency.ts';
import { throughputPlot } from '../../../lab/report/plots/throughput.ts';
import { fixtureReport, reportWithoutMeasurements } from './fixture.ts';

test('throughput: every protocol and chunk size once, from the run with more rounds; raw TCP kept as the ceiling', () => {
  const points = throughputPlot.extract(fixtureReport())!;
  const byProtocol = Object.fromEntries(points.map((p) => [p.protocol, p]));
  assert.deepEqual(Object.keys(byProtocol).sort(), ['asoc-v1', 'grpc-stream', 'raw-tcp']);
  assert.equal(byProtocol['raw-tcp']!.medianMBps, 3000, 'the 5-round run, not the 2-round one');
  assert.equal(byProtocol['asoc-v1']!.runs, 5);
  assert.equal(byProtocol['grpc-stream']!.medianMBps, 400, 'only the short run has it');
  assert.ok(points.every((p) => p.chunkBytes === 1048576));
});

test('latency: closed-loop runs only, four percentiles per protocol and size', () => {
  const points = latencyPlot.extract(fixtureReport())!;
  assert.equal(points.length, 3 * 4, 'raw-tcp 1 KiB, asoc-v1 1 KiB and 1 MiB; the open-loop run is left out');
  assert.deepEqual(points.filter((p) => p.protocol === 'asoc-v1' && p.messageBytes === 1024).map((p) => [p.percentile, p.microseconds]), [['p50', 40], ['p90', 60], ['p99', 120], ['p99.9', 200]]);
});

test('handshake: bytes above TCP for every protocol, on the wire where measured', () => {
  assert.deepEqual(handshakePlot.extract(fixtureReport()), [
    { protocol: 'asoc-v1', counted: 'above TCP', bytes: 80 },
    { protocol: 'asoc-v1', counted: 'on the wire', bytes: 400 },
    { protocol: 'jwt-hs256', counted: 'above TCP', bytes: 600 },
  ]);
});

test('goodput sweep: one cell per loss × RTT with the median and the range over seeds', () => {
  const data = goodputSweepPlot.extract(fixtureReport())!;
  assert.equal(data.cells.length, 4);
  const cell = data.cells.find((c) => c.loss === 0.01 && c.rttMs === 50)!;
  assert.equal(cell.seeds, 3);
  assert.ok(Math.abs(cell.medianMBps - 2 * 0.2 * 1.02) < 1e-12);
  assert.ok(cell.minMBps < cell.medianMBps && cell.medianMBps < cell.maxMBps);
});

test('challenge birthday: analytic hours per profile, the measured mean, a lower bound marked as one', () => {
  const data = challengeBirthdayPlot.extract(fixtureReport())!;
  assert.equal(data.nodes, 1000);
  assert.deepEqual(data.bars, [
    { profile: 'asoc-v1', analyticHours: 0.35, measuredHours: 0.33, measuredIsLowerBound: false, thresholdHours: 24 },
    { profile: 'asoc-hardened', analyticHours: 5000, measuredHours: 1, measuredIsLowerBound: true, thresholdHours: 24 },
  ]);
});

test('a report without the data gives no plot data (never a made-up plot)', () => {
  for (const plot of PLOTS) assert.equal(plot.extract(reportWithoutMeasurements()), null, plot.id);
});

test('data of the wrong shape is not taken for a plot', () => {
  const report = fixtureReport();
  report.measurements = [{ name: 'odd', summary: '', data: { kind: 'throughput', summary: 'not a table' } }];
  assert.equal(throughputPlot.extract(report), null);
});

test('every spec compiles to Vega and carries the extracted data', () => {
  const report = fixtureReport();
  for (const plot of PLOTS) {
    const data = plot.extract(report);
    const spec = plot.spec(data);
    assert.doesNotThrow(() => compile(spec), plot.id);
    const values = (spec.data as { values: unknown[] }).values;
    assert.ok(values.length > 0, plot.id);
    assert.ok(plot.caption(data).length > 20, plot.id);
  }
});

test('renderPlots: an SVG with marks for each plot that has data, a note naming what is missing for each that has not', async () => {
  const drawn = await renderPlots(fixtureReport());
  assert.deepEqual(drawn.map((p) => p.id), PLOTS.map((p) => p.id));
  for (const plot of drawn) {
    assert.equal(plot.note, null, plot.id);
    assert.match(plot.svg!, /^<svg[^>]*>/, plot.id);
    assert.match(plot.svg!, /<path|<rect|<line/, plot.id);
  }
  const throughputSvg = drawn.find((p) => p.id === 'throughput')!.svg!;
  // Vega draws a bar it cannot place (a log scale with a zero baseline) as a path of zero width.
  for (const plot of drawn) {
    const bars = [...plot.svg!.matchAll(/aria-roledescription="bar" d="M[-\d.e]+,[-\d.e]+h([-\d.e]+)v([-\d.e]+)/g)];
    for (const [, width, height] of bars) assert.ok(Math.abs(Number(width)) > 0.5 && Math.abs(Number(height)) > 0.5, `${plot.id}: a bar of ${width}×${height}`);
    assert.ok(plot.svg!.match(/role="graphics-symbol"/g)!.length >= 4, `${plot.id}: marks`);
  }
  assert.ok(/aria-roledescription="bar"/.test(drawn.find((p) => p.id === 'handshake-bytes')!.svg!));
  assert.match(throughputSvg, /raw TCP/);
  const missing = await renderPlots(reportWithoutMeasurements());
  for (const plot of missing) {
    assert.equal(plot.svg, null);
    assert.match(plot.note!, /^not drawn: the report has no /);
  }
});
