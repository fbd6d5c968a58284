/**
 * Report directories: each verify run writes <out>/<timestamp>/ with report.json (validated),
 * report.md, a single-file report.html and plots/*.svg (for the Markdown), and points <out>/latest
 * at it. Readers take a report directory, a `latest` link or a report.json.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { renderPlots } from './plots/index.ts';
import { ReportFormatError, validateReport, type VerdictReport } from './schema.ts';

export const REPORT_FILE = 'report.json';
export const LATEST_LINK = 'latest';

/** A report path that names nothing readable. */
export class ReportNotFoundError extends Error {
  override readonly name = 'ReportNotFoundError';
}

/** "2025-06-01T12-30-05Z": sortable, and no colons (some file systems refuse them). */
export function runDirName(started: Date): string {
  return started.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
}

/** Creates <out>/<timestamp>/ (with a -2, -3 … suffix if a run of the same second has it) and returns it. */
export async function createRunDir(out: string, started: Date): Promise<string> {
  await mkdir(out, { recursive: true });
  const base = path.join(out, runDirName(started));
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export interface WrittenReport {
  dir: string;
  json: string;
  markdown: string;
  html: string;
  /** One line per plot left out for want of data. */
  plotNotes: string[];
}

/** Writes report.json, report.md, report.html and plots/*.svg into `dir`. */
export async function writeReportFiles(report: VerdictReport, dir: string): Promise<WrittenReport> {
  validateReport(report, 'the report being written');
  const plots = await renderPlots(report);
  await mkdir(path.join(dir, 'plots'), { recursive: true });
  for (const plot of plots) if (plot.svg !== null) await writeFile(path.join(dir, 'plots', `${plot.id}.svg`), plot.svg);
  const files = { json: path.join(dir, REPORT_FILE), markdown: path.join(dir, 'report.md'), html: path.join(dir, 'report.html') };
  await writeFile(files.json, JSON.stringify(report, null, 1) + '\n');
  await writeFile(files.markdown, renderMarkdown(report, plots));
  await writeFile(files.html, renderHtml(report, plots));
  return { dir, ...files, plotNotes: plots.flatMap((p) => (p.svg === null ? [`${p.title}: ${p.note}`] : [])) };
}

/** Points <out>/latest at `dir` (a relative symlink, replaced atomically). */
export async function pointLatest(out: string, dir: string): Promise<string> {
  const link = path.join(out, LATEST_LINK);
  const temporary = `${link}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  await symlink(path.relative(out, dir), temporary, 'dir');
  await rename(temporary, link);
  return link;
}

/** The report.json a path names: the file itself, or the one inside a report directory (or `latest`). */
export function reportFileOf(target: string): string {
  if (!existsSync(target)) throw new ReportNotFoundError(`${target}: no such file or directory`);
  const file = statSync(target).isDirectory() ? path.join(target, REPORT_FILE) : target;
  if (!existsSync(file)) throw new ReportNotFoundError(`${target}: a directory without ${REPORT_FILE} (give a report directory such as reports/latest, or a report.json)`);
  return file;
}

/** Reads and validates a report (ReportNotFoundError, or ReportFormatError naming the bad fields). */
export async function readReport(target: string): Promise<VerdictReport> {
  const file = reportFileOf(target);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ReportFormatError(file, [`not JSON: ${(err as Error).message}`]);
  }
  return validateReport(data, file);
}
