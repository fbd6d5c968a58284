/** What every `asoc-lab bench <name>` shares: parse, run, print a table, write the JSON report. */
import { writeBenchReport } from '../../../bench/report-file.ts';

export interface BenchCliSpec<Options extends { out?: string }, Report extends { date: string }> {
  /** The report's file name part: reports/bench-<name>-<time>.json. */
  name: string;
  /** The bench's flags; undefined when --help was printed. */
  parse(argv: string[]): Options | undefined;
  run(options: NoInfer<Options>): Promise<Report>;
  print(report: Report): void;
  /** Whether the report records a failure (a corrupted echo, a byte count off): exit status 1. */
  failed?(report: Report): boolean;
}

export function benchCli<Options extends { out?: string }, Report extends { date: string }>(spec: BenchCliSpec<Options, Report>): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const options = spec.parse(argv);
    if (!options) return 0;
    const report = await spec.run(options);
    spec.print(report);
    console.log(`report: ${await writeBenchReport(spec.name, report.date, report, options.out)}`);
    return spec.failed?.(report) ? 1 : 0;
  };
}

/** Prints rows as columns: the first `leftColumns` left-aligned (names), the rest right-aligned (figures). */
export function printTable(rows: string[][], leftColumns = 1): void {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0))) ?? [];
  for (const row of rows) console.log(row.map((text, col) => (col < leftColumns ? text.padEnd(widths[col]!) : text.padStart(widths[col]!))).join('  '));
}
