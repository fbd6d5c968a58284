/**
 * The lab's image (asoc-lab:local), built from the repository's Dockerfile. Where no image registry
 * answers, BASE is the local base image topo/base-image.sh imports (asoc-lab-base:local) and npm
 * installs from topo/npm-cache, which this fills from the host's npm first (the host reaches the
 * npm registry; a build container need not). The image a rebuild replaces is removed, so no
 * unnamed image is left behind.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_IMAGE } from './compose.ts';
import { docker, exec, lines } from './engine.ts';

export const LOCAL_BASE = 'asoc-lab-base:local';
export const REGISTRY_BASE = 'node:20-slim';

export interface BuiltImage {
  image: string;
  base: string;
  /** The build used topo/npm-cache instead of the registry. */
  offline: boolean;
}

async function imageId(name: string): Promise<string | null> {
  try {
    return (await docker(['image', 'inspect', '--format', '{{.Id}}', name], { timeoutMs: 15_000 })).trim();
  } catch {
    return null;
  }
}

export async function unnamedImages(): Promise<string[]> {
  return lines(await docker(['images', '-q', '--no-trunc', '--filter', 'dangling=true'], { timeoutMs: 30_000 }));
}

/** Fills topo/npm-cache with the lockfile's production packages, unless it already holds this lockfile's. */
async function fillNpmCache(repoRoot: string, signal?: AbortSignal): Promise<void> {
  const cache = path.join(repoRoot, 'topo', 'npm-cache');
  const lock = readFileSync(path.join(repoRoot, 'package-lock.json'));
  const digest = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(cache, 'lockfile.sha256');
  try {
    if (readFileSync(stamp, 'utf8').trim() === digest) return;
  } catch {
    // no stamp: fill it
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'asoc-lab-npm-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(repoRoot, file), path.join(scratch, file));
    await exec('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', cache], { cwd: scratch, timeoutMs: 300_000, signal });
    writeFileSync(stamp, `${digest}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds asoc-lab:local; `base` overrides the choice of BASE (the local base image when present, else node:20-slim). */
export async function buildImage(repoRoot: string, options: { base?: string; signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<BuiltImage> {
  const base = options.base ?? ((await imageId(LOCAL_BASE)) ? LOCAL_BASE : REGISTRY_BASE);
  const offline = base === LOCAL_BASE;
  if (offline) await fillNpmCache(repoRoot, options.signal);
  const previous = await imageId(DEFAULT_IMAGE);
  const unnamedBefore = await unnamedImages();
  options.log?.(`building ${DEFAULT_IMAGE} from ${base}${offline ? ' (npm packages from topo/npm-cache)' : ''}`);
  await docker(['build', '-q', '--force-rm', '-t', DEFAULT_IMAGE, '--build-arg', `BASE=${base}`, '--build-arg', `NPM_OFFLINE=${offline ? '1' : ''}`, repoRoot], { timeoutMs: 600_000, signal: options.signal });
  const current = await imageId(DEFAULT_IMAGE);
  if (previous && previous !== current) await docker(['image', 'rm', previous], { timeoutMs: 60_000 }).catch(() => {});
  // What the replaced image leaves without a name (its own layers' images) goes too.
  for (const id of await unnamedImages()) if (!unnamedBefore.includes(id)) await docker(['image', 'rm', id], { timeoutMs: 60_000 }).catch(() => {});
  return { image: DEFAULT_IMAGE, base, offline };
}
