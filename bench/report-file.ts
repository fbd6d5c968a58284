/** Where a benchmark's JSON goes: <dir>/bench-<name>-<ISO time with ':' as '-'>.json. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_REPORT_DIR = 'reports';

/** Writes `report` (pretty JSON) and returns the file's path. */
export async function writeBenchReport(name: string, date: string, report: unknown, dir = DEFAULT_REPORT_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-${name}-${date.replace(/:/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
