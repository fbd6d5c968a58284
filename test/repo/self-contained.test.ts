/**
 * The repository stands alone: a clone with nothing beside it must build, test and run. So no
 * tracked file may point at the seed workspace it grew in, and the reference vectors, which code
 * and tests need at run time, are read from inside the repository through one loader.
 *
 * Skipped, with the reason printed, when this is not a git checkout (the test lists tracked files).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REFERENCE_VECTORS_FILE, loadReferenceVectors } from '../../src/vectors/reference-vectors.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOADER = 'src/vectors/reference-vectors.ts';

// Built from parts, so this file does not contain what it looks for.
const OUTSIDE = ['..', 'shared'].join('/');
const FORBIDDEN = [OUTSIDE, ['shared', 'vectors'].join('/'), ['shared', 'SPEC'].join('/')];
const VECTORS_NAME = ['asoc-v1', 'json'].join('.');

function trackedFiles(): { files: string[] } | { skip: string } {
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', timeout: 10_000 });
  if (listed.error) return { skip: `git not usable: ${listed.error.message}` };
  if (listed.status !== 0) return { skip: `not a git checkout: git ls-files exited ${listed.status} (${listed.stderr.trim()})` };
  return { files: listed.stdout.split('\0').filter((file) => file.length > 0) };
}

const tracked = trackedFiles();
const skip = 'skip' in tracked ? tracked.skip : false;
const files = 'files' in tracked ? tracked.files : [];

/** Tracked files (outside .ci/, which drives the lab from outside) whose text contains `needle`. */
function filesMentioning(needle: string): string[] {
  return files.filter((file) => !file.startsWith('.ci/') && existsSync(path.join(ROOT, file)) && readFileSync(path.join(ROOT, file), 'utf8').includes(needle));
}

test('no tracked file refers to the workspace outside the repository', { skip }, () => {
  assert.ok(files.length > 100, `only ${files.length} tracked files: the listing is wrong`);
  for (const needle of FORBIDDEN) assert.deepEqual(filesMentioning(needle), [], `files referring to "${needle}"`);
});

test('the reference vectors are read from a tracked file inside the repository', { skip }, () => {
  const relative = path.relative(ROOT, REFERENCE_VECTORS_FILE);
  assert.ok(!relative.startsWith('..') && !path.isAbsolute(relative), `${REFERENCE_VECTORS_FILE} is outside ${ROOT}`);
  assert.ok(files.includes(relative.split(path.sep).join('/')), `${relative} is not tracked`);
  assert.ok(loadReferenceVectors().frames.length > 0);
});

test('only the loader names the vectors file among the code and tests', { skip }, () => {
  const code = filesMentioning(VECTORS_NAME).filter((file) => /\.(ts|js|mjs|py)$/.test(file) && !file.startsWith('vectors/'));
  assert.deepEqual(code, [LOADER]);
});
