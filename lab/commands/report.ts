/** asoc-lab report: what can be done with a written report without running verify again. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FindingsMarkerError, findingsSection, withFindings } from '../report/readme-findings.ts';
import { ReportFormatError, type VerdictReport } from '../report/schema.ts';
import { readReport, reportFileOf, ReportNotFoundError, writeReportFiles } from '../report/store.ts';
import { parseFlags, subcommand, UsageError, type Command } from './common.ts';

const help = `Usage: asoc-lab report <readme-table|render> REPORT [options]

  readme-table REPORT [--write README]
        The findings table for the README, from a report directory (e.g. reports/reference):
        date, machine, each decided claim's verdict with what was measured. Printed, or with
        --write written between the README's <!-- findings:start --> and <!-- findings:end -->
        lines (npm run readme-table does this for reports/reference).
  render REPORT
        Writes report.md, report.html and plots/ again from the directory's report.json (after
        the renderer changed; the figures are not measured again).

REPORT is a report directory (reports/latest, reports/reference) or its report.json.`;

const SUBCOMMANDS = ['readme-table', 'render'] as const;

/** Reads a report named on the command line; a missing or invalid one is the user's mistake (exit 2). */
export async function loadReportArgument(target: string): Promise<VerdictReport> {
  try {
    return await readReport(target);
  } catch (err) {
    if (err instanceof ReportNotFoundError || err instanceof ReportFormatError) throw new UsageError(err.message);
    throw err;
  }
}

/** The report.md beside a report's JSON, as a link relative to `from` (a directory), with / separators. */
const reportLink = (target: string, from: string) => path.relative(from, path.join(path.dirname(reportFileOf(target)), 'report.md')).split(path.sep).join('/');

export const reportCommand: Command = {
  name: 'report',
  summary: "the README's findings table from a report, or a report rendered again",
  help,
  async run(argv) {
    const picked = subcommand(argv, SUBCOMMANDS, 'report subcommand', help);
    if (typeof picked === 'number') return picked;
    const { values, positionals } = parseFlags(picked.rest, picked.name === 'readme-table' ? { write: { type: 'string' } } : {}, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`report ${picked.name} takes one report, got ${positionals.length}\n\n${help}`);
    const target = positionals[0]!;
    const report = await loadReportArgument(target);
    if (picked.name === 'render') {
      const written = await writeReportFiles(report, path.dirname(reportFileOf(target)));
      console.log(`wrote ${written.markdown}, ${written.html} and their plots`);
      return 0;
    }
    const readme = values.write as string | undefined;
    if (readme === undefined) {
      console.log(findingsSection(report, reportLink(target, process.cwd())));
      return 0;
    }
    const text = await readFile(readme, 'utf8').catch((err: Error) => {
      throw new UsageError(`--write ${readme}: ${err.message}`);
    });
    let updated: string;
    try {
      updated = withFindings(text, findingsSection(report, reportLink(target, path.dirname(readme))));
    } catch (err) {
      if (err instanceof FindingsMarkerError) throw new UsageError(`--write ${readme}: ${err.message}`);
      throw err;
    }
    await writeFile(readme, updated);
    console.log(`wrote the findings of ${target} into ${readme}`);
    return 0;
  },
};
