/** Where a report was made: the machine, and the versions of node, asoc-lab and its checkout. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { coreDescription } from '../../bench/machine.ts';
import type { VerdictReport } from './schema.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function describeMachine(): VerdictReport['machine'] {
  const core = coreDescription();
  return {
    cpu: core.model,
    cores: core.logical,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
    virtual: core.hypervisor,
  };
}

/** git's answer, or null where there is no git or no checkout (an npm pack, a copied tree). */
function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function describeVersions(): VerdictReport['versions'] {
  const pkg = JSON.parse(readFileSync(`${PROJECT_ROOT}package.json`, 'utf8')) as { version: string };
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  return { node: process.version, package: pkg.version, gitCommit: commit, gitDirty: status === null ? null : status.length > 0 };
}
