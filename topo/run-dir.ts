/** A topology run's directory (reports/topo/<name>/ by default) and the fresh random API key its nodes share. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function prepareRunDir(outDir: string, topology: string): { dir: string; keyFile: string } {
  const dir = path.resolve(outDir, topology);
  mkdirSync(dir, { recursive: true });
  const keyFile = path.join(dir, 'api-key');
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  return { dir, keyFile };
}
