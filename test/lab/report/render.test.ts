import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHtml } from '../../../lab/report/html.ts';
import { renderMarkdown } from '../../../lab/report/markdown.ts';
import { renderPlots } from '../../../lab/report/plots/index.ts';
import { fixtureReport, reportWithoutMeasurements } from './fixture.ts';

const report = fixtureReport();
const plots = await renderPlots(report);

test('markdown: the claims table comes first, with the quoted source, the measurement with its interval, the verdict and a link to the evidence', () => {
  const md = renderMarkdown(report, plots);
  const lines = md.split('\n');
  const header = lines.findIndex((l) => l.startsWith('| claim |'));
  assert.ok(header > 0 && header < lines.findIndex((l) => l === '## Plots'), 'the first table, before the plots');
  assert.equal(lines[header], '| claim | the source says | the lab measured | verdict | evidence |');
  assert.equal(lines[header + 2], '| **P1** Handshake is 52 bytes | “52-byte handshake” (seed 000, RFC-0001 §7) | 52 B (exact) | **HOLDS** | [P1](#evidence-p1) |');
  assert.match(lines[header + 3]!, /^\| \*\*P7\*\* 10× faster than gRPC \| — \| asoc-v1 ÷ raw-tcp, 1 MiB chunks: 0\.93 ratio \(95 % interval 0\.91–0\.95\) \| \*\*HOLDS\*\* \| \[P7\]\(#evidence-p7\) \|$/);
  for (const id of ['p1', 'p7', 's2', 'd1']) assert.ok(md.includes(`<a id="evidence-${id}"></a>`), `anchor for ${id}`);
});

test('markdown: plots as files beside it, figures with samples, intervals and tolerances, the run with seeds and noise', () => {
  const md = renderMarkdown(report, plots);
  assert.ok(md.includes('![Throughput by chunk size, raw TCP as the ceiling](plots/throughput.svg)'));
  assert.match(md, /\| asoc-v1 ÷ raw-tcp, 1 MiB chunks \| 0\.93 ratio \| 0\.91–0\.95 \(95 %, percentile bootstrap/);
  assert.match(md, /\| 5 \|  \| ≥ 0\.9 \| HOLDS \| may fall 10 % \|/);
  assert.match(md, /\| threat scenarios: challenge-birthday \| 1 \|/);
  assert.match(md, /\| whole run \| 30 s \| 40\.0 % \| 1\.0 % \| 0\.50 → 1\.20 \|/);
  assert.match(md, /quick run \(`asoc-lab verify --quick`\) on Test CPU \(2 logical CPUs, virtual machine, 8 GiB\)/);
  assert.match(md, /commit 0123456789ab\)/);
});

test('markdown: a plot without data is one line saying what was missing', () => {
  const md = renderMarkdown(reportWithoutMeasurements(), plots.map((p) => ({ id: p.id, title: p.title, caption: null, svg: null, note: 'not drawn: the report has no throughput runs.' })));
  assert.ok(md.includes('_not drawn: the report has no throughput runs._'));
  assert.ok(!md.includes('.svg)'));
});

test('markdown: a pipe in a claim does not break its table row', () => {
  const piped = fixtureReport();
  piped.claims[0]!.measured = 'a | b';
  assert.ok(renderMarkdown(piped, plots).includes('| a \\| b |'));
});

test('html: one file — inline style and SVG, nothing fetched, no script', () => {
  const html = renderHtml(report, plots);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<style>/);
  assert.doesNotMatch(html, /<script|<link |src="|href="https?:/i);
  assert.equal(html.match(/<svg/g)?.length, plots.length);
});

test('html: the claims table first with links to evidence sections that exist; text is escaped', () => {
  const html = renderHtml(report, plots);
  const table = html.indexOf('<table id="claims">');
  assert.ok(table > 0 && table < html.indexOf('<h2>Plots</h2>'));
  for (const id of ['p1', 'p7', 's2', 'd1']) {
    assert.ok(html.includes(`<a href="#evidence-${id}">`), `link to ${id}`);
    assert.ok(html.includes(`id="evidence-${id}"`), `section ${id}`);
  }
  assert.ok(html.includes('A replayed HELLO was &lt;accepted&gt; &amp; answered.'));
  assert.ok(!html.includes('<accepted>'));
  assert.ok(html.includes('“52-byte handshake”<br><span class="source">seed 000, RFC-0001 §7</span>'));
});
