/** asoc-lab compare OLD NEW: what moved between two verdict reports, and whether NEW regressed. */
import { compareReports, comparisonText } from '../report/compare.ts';
import { formatDate } from '../report/format.ts';
import type { VerdictReport } from '../report/schema.ts';
import { parseFlags, UsageError, type Command } from './common.ts';
import { loadReportArgument } from './report.ts';

const help = `Usage: asoc-lab compare OLD NEW

Compares two verdict reports (report directories such as reports/reference and reports/latest, or
their report.json files): lists every figure that moved, by claim id or measurement name and figure
name, with its estimate and interval old → new, and every verdict that changed.

Exit status: 1 when NEW regressed — a figure with a tolerance (a ratio to raw TCP in its own run)
fell by more than that fraction of its OLD value or is missing from NEW, or a verdict (of a claim
or of a figure) went from HOLDS to FAILS; each regression is named. UNDECIDED and PENDING never
fail. 0 otherwise; 2 when a report cannot be read.

Compare reports of the same mode (both --quick, or both full): a quick run's shorter settings move
figures by themselves.`;

const describe = (target: string, r: VerdictReport) => `${target} (${formatDate(r.generatedAt)}, ${r.mode}${r.versions.gitCommit ? `, commit ${r.versions.gitCommit.slice(0, 12)}` : ''})`;

export const compareCommand: Command = {
  name: 'compare',
  summary: 'compare two verdict reports; exit 1 when the newer one regressed',
  help,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {}, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals.length !== 2) throw new UsageError(`expected two reports (OLD NEW), got ${positionals.length}\n\n${help}`);
    const [oldPath, newPath] = positionals as [string, string];
    const [before, after] = [await loadReportArgument(oldPath), await loadReportArgument(newPath)];
    if (before.mode !== after.mode) console.log(`note: comparing a ${before.mode} run with a ${after.mode} one; their settings differ, so figures move by that alone\n`);
    const comparison = compareReports(before, after);
    console.log(comparisonText(comparison, { before: describe(oldPath, before), after: describe(newPath, after) }));
    return comparison.regressions.length > 0 ? 1 : 0;
  },
};
