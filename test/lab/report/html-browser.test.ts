/**
 * Opens report.html in headless Chromium (the Debian package: apt-get install chromium) and checks
 * what a reader sees: the claims table, every plot drawn as an SVG with content, evidence links
 * that lead somewhere, and no request beyond the file itself. Skipped, saying why, without Chromium.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { PLOTS } from '../../../lab/report/plots/index.ts';
import { writeReportFiles } from '../../../lab/report/store.ts';
import { fixtureReport } from './fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface PageFacts {
  claimRows: number;
  evidenceLinks: number;
  brokenLinks: string[];
  /** Per plot: its size, and its data marks (bars, points, lines), how many of them drawn with a size. */
  plots: { id: string; width: number; height: number; marks: number; sizedMarks: number }[];
}

/** Runs in the page (a string: the project's TypeScript has no DOM types). */
const READ_PAGE = `(() => {
  const links = [...document.querySelectorAll('#claims a[href^="#"]')];
  return {
    claimRows: document.querySelectorAll('#claims tbody tr').length,
    evidenceLinks: links.length,
    brokenLinks: links.map((a) => a.getAttribute('href').slice(1)).filter((id) => document.getElementById(id) === null),
    plots: [...document.querySelectorAll('figure.plot')].map((figure) => {
      const svg = figure.querySelector('svg');
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      const marks = svg ? [...svg.querySelectorAll('[role="graphics-symbol"]')].map((m) => m.getBoundingClientRect()) : [];
      return { id: figure.id, width: box.width, height: box.height, marks: marks.length, sizedMarks: marks.filter((b) => b.width * b.height > 2).length };
    }),
  };
})()`;

async function inspect(browser: Browser, file: string): Promise<{ facts: PageFacts; requests: string[]; errors: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(file).href);
  const facts = (await page.evaluate(READ_PAGE)) as PageFacts;
  await page.close();
  return { facts, requests, errors };
}

test('report.html renders in Chromium: the claims table, every plot with content, working evidence links, nothing fetched', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'asoc-html-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const report = fixtureReport();
  const written = await writeReportFiles(report, dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  t.after(() => browser.close());

  const { facts, requests, errors } = await inspect(browser, written.html);
  assert.equal(facts.claimRows, report.claims.length);
  assert.equal(facts.evidenceLinks, report.claims.length);
  assert.deepEqual(facts.brokenLinks, []);
  assert.deepEqual(facts.plots.map((p) => p.id), PLOTS.map((p) => `plot-${p.id}`));
  for (const plot of facts.plots) {
    assert.ok(plot.width > 100 && plot.height > 50, `${plot.id} is drawn at ${plot.width}×${plot.height}`);
    assert.ok(plot.sizedMarks >= 4 && plot.sizedMarks >= plot.marks / 2, `${plot.id}: ${plot.sizedMarks} of ${plot.marks} marks drawn with a size`);
  }
  assert.deepEqual(requests, [pathToFileURL(written.html).href], 'the page loads nothing but itself');
  assert.deepEqual(errors, []);
});
