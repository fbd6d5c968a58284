/**
 * The Docker engine and compose, as the container back-end calls them: one place that runs their
 * commands (bounded in time, stopped on abort), checks first that everything a run needs is there
 * and says what is missing when it is not. Its `exec` also runs the namespace back-end's ip and tc.
 */
import { execFile } from 'node:child_process';

/** Something a run needs is not there (root, an engine, compose, nsenter/tc): the message says what and how to get it. */
export class TopoEnvironmentError extends Error {
  override readonly name = 'TopoEnvironmentError';
}

/** A docker or compose command failed; the message holds the command and the end of its stderr. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
}

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  cwd?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;

export function exec(command: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: options.signal, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new TopoEnvironmentError(`${command} is not installed (not on PATH)`));
        if (err.name === 'AbortError') return reject(err);
        const tail = `${stderr}`.trim().split('\n').slice(-5).join('\n  ');
        reject(new EngineError(`${[command, ...args].join(' ')} failed${err.killed ? ' (timed out)' : ''}: ${tail || err.message}`));
      },
    );
  });
}

export interface Engine {
  /** The compose command: docker-compose (1.29) or the docker CLI's `compose` (v2). */
  compose: readonly string[];
}

/** Which compose to use: v1 is docker-compose (1.29), v2 the docker CLI's `compose` plugin. */
export type ComposeChoice = 'v1' | 'v2';
export const COMPOSE_CHOICES: readonly ComposeChoice[] = ['v1', 'v2'];
/** The environment variable that picks compose when no choice is passed (v1 or v2). */
export const COMPOSE_ENV = 'ASOC_COMPOSE';

const COMPOSE_COMMANDS: Readonly<Record<ComposeChoice, readonly string[]>> = { v1: ['docker-compose'], v2: ['docker', 'compose'] };

const INSTALL_HINT = 'as root, topo/setup-docker.sh installs docker.io and docker-compose and starts dockerd';
const V2_HINT = 'as root, topo/compose-v2.sh installs the v2 plugin';

/** Checks root, the engine and compose (and nsenter + tc when links are shaped); returns how to call compose. */
export async function preflight(options: { shaping: boolean; uid?: number | undefined; compose?: ComposeChoice | undefined }): Promise<Engine> {
  const uid = options.uid ?? process.getuid?.();
  if (uid !== 0) throw new TopoEnvironmentError('asoc-lab topo needs root: it talks to the Docker engine and shapes links inside the containers\' network namespaces (nsenter, tc)');
  try {
    await exec('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
  } catch (err) {
    if (err instanceof TopoEnvironmentError) throw new TopoEnvironmentError(`the docker command is not installed (${INSTALL_HINT})`);
    throw new TopoEnvironmentError(`no Docker engine answers (${INSTALL_HINT}): ${(err as Error).message.split('\n').slice(-1)[0]}`);
  }
  const compose = await findCompose(options.compose);
  if (options.shaping) {
    for (const tool of ['nsenter', 'tc']) {
      try {
        await exec(tool, ['-V'], { timeoutMs: 5_000 });
      } catch (err) {
        if (err instanceof TopoEnvironmentError) throw new TopoEnvironmentError(`${tool} is not installed: links are shaped with it (Debian: apt-get install ${tool === 'tc' ? 'iproute2' : 'util-linux'})`);
      }
    }
  }
  return { compose };
}

/** The compose the choice names (else $ASOC_COMPOSE's): an error when it does not answer. */
function chosenCompose(choice: ComposeChoice | undefined): ComposeChoice | null {
  if (choice !== undefined) return choice;
  const fromEnv = process.env[COMPOSE_ENV];
  if (fromEnv === undefined || fromEnv === '') return null;
  if (!(COMPOSE_CHOICES as readonly string[]).includes(fromEnv)) throw new TopoEnvironmentError(`${COMPOSE_ENV} must be one of ${COMPOSE_CHOICES.join(', ')}, got "${fromEnv}"`);
  return fromEnv as ComposeChoice;
}

/** The version a compose command answers, or null when it does not answer. */
async function composeVersion(command: readonly string[]): Promise<string | null> {
  try {
    return (await exec(command[0]!, [...command.slice(1), 'version', '--short'], { timeoutMs: 15_000 })).trim();
  } catch {
    return null;
  }
}

/**
 * The compose command to use: the one `choice` (or $ASOC_COMPOSE) names, which must answer with its
 * major version; without a choice docker-compose (1.29) where installed, else `docker compose` (v2).
 */
export async function findCompose(choice?: ComposeChoice): Promise<readonly string[]> {
  const chosen = chosenCompose(choice);
  if (chosen !== null) {
    const command = COMPOSE_COMMANDS[chosen];
    const version = await composeVersion(command);
    const major = chosen === 'v1' ? '1' : '2';
    if (version === null || !new RegExp(`^v?${major}\\.`).test(version)) {
      throw new TopoEnvironmentError(`compose ${chosen} was asked for, but \`${command.join(' ')} version\` ${version === null ? 'does not answer' : `answers ${version}`} (${chosen === 'v2' ? V2_HINT : INSTALL_HINT})`);
    }
    return command;
  }
  for (const candidate of [COMPOSE_COMMANDS.v1, COMPOSE_COMMANDS.v2]) if ((await composeVersion(candidate)) !== null) return candidate;
  throw new TopoEnvironmentError(`neither docker-compose nor \`docker compose\` is installed (${INSTALL_HINT})`);
}

/** Runs compose for one project and file; `env` adds to the process environment (the file's variables). */
export function compose(engine: Engine, project: { name: string; file: string }, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  const [command, ...prefix] = engine.compose;
  return exec(command!, [...prefix, '-p', project.name, '-f', project.file, ...args], { ...options, env: { ...process.env, ...options.env } });
}

export function docker(args: readonly string[], options: ExecOptions = {}): Promise<string> {
  return exec('docker', args, options);
}

/** Lines of a command's output, empty ones left out. */
export function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}
