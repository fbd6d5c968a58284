/** The vectors loader: a file that is missing, not JSON, or of the wrong shape is a typed error naming the file and the fault. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReferenceVectorsError, loadReferenceVectors, readReferenceVectorsJson } from '../../src/vectors/reference-vectors.ts';

function withFile(text: string, check: (file: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'asoc-vectors-'));
  try {
    const file = path.join(dir, 'vectors.json');
    writeFileSync(file, text);
    check(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rejects = (load: () => unknown, fragments: string[]) =>
  assert.throws(load, (e: unknown) => e instanceof ReferenceVectorsError && fragments.every((f) => e.message.includes(f)));

test('the committed vectors load, every section non-empty', () => {
  const vectors = loadReferenceVectors();
  for (const [name, entries] of Object.entries(vectors)) assert.ok(entries.length > 0, name);
});

test('a missing file names its path', () => {
  const missing = path.join(tmpdir(), 'no-such-dir-asoc', 'vectors.json');
  rejects(() => loadReferenceVectors(missing), [missing, 'cannot read']);
});

test('a file that is not JSON says so', () => {
  withFile('{ "frames": [', (file) => rejects(() => readReferenceVectorsJson(file), [file, 'is not JSON']));
});

test('a JSON array at the top level is refused', () => {
  withFile('[]', (file) => rejects(() => readReferenceVectorsJson(file), [file, 'expected a JSON object']));
});

test('a wrong entry names the field', () => {
  const good = readReferenceVectorsJson();
  const frames = good.frames as Record<string, unknown>[];
  const broken = { ...good, frames: [{ ...frames[0], encoded: 'XYZ' }, ...frames.slice(1)] };
  withFile(JSON.stringify(broken), (file) => rejects(() => loadReferenceVectors(file), [file, 'frames.0.encoded', 'lower-case hex']));
});

test('a field the schema does not know is refused', () => {
  const good = readReferenceVectorsJson();
  const accept = good.accept as Record<string, unknown>[];
  const extra = { ...good, accept: [{ ...accept[0], note: 'x' }, ...accept.slice(1)] };
  withFile(JSON.stringify(extra), (file) => rejects(() => loadReferenceVectors(file), [file, 'accept.0']));
});
