/** What every command shares: flag parsing, the API key, and errors a user can act on. */
import { lookup as dnsLookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { backendByName, DEFAULT_BACKEND, type CryptoBackend } from '../../src/crypto/backend.ts';
import { profileByName, ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';
import { parseHostPort } from '../../src/net/node.ts';
import { parseByteSize, SIZE_UNITS_HINT } from '../../bench/units.ts';

/** A mistake in how the command was called: printed without a stack, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Command {
  name: string;
  summary: string;
  help: string;
  /** It measures performance: it runs in a Node with bench/measuring-node.ts's flags (lab/cli.ts restarts it so). */
  measures?: boolean;
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses flags strictly; a mistake is one line naming the option (--help lists them all). */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: joinDashedValues(argv, options), options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (--help lists the options)`);
  }
}

/**
 * `--bytes -5` gives -5 to --bytes (parseArgs would call it an ambiguous option), so that the
 * flag's own check can say what it accepts.
 */
function joinDashedValues(argv: string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && options[arg.slice(2)]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/**
 * The first argument of a command with subcommands (`bench <name>`, `attack <name>`), checked
 * against the known names. Without one, or with --help, the help is printed and the exit status
 * returned instead (2 when nothing was asked, 0 for --help).
 */
export function subcommand(argv: string[], known: readonly string[], what: string, help: string): { name: string; rest: string[] } | number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(help);
    return name === undefined ? 2 : 0;
  }
  if (!known.includes(name)) throw new UsageError(`unknown ${what} "${name}" (one of: ${known.join(', ')})\n\n${help}`);
  return { name, rest };
}

/** The API key, from --api-key-file or ASOC_API_KEY; there is never a default key. */
export function loadApiKey(file: string | undefined): Uint8Array {
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --api-key-file ${file}: ${(err as Error).message}`);
    }
    const key = text.replace(/\r?\n$/, '');
    if (!key) throw new UsageError(`--api-key-file ${file} is empty`);
    return new TextEncoder().encode(key);
  }
  const env = process.env.ASOC_API_KEY;
  if (env) return new TextEncoder().encode(env);
  throw new UsageError('no API key: give --api-key-file FILE or set ASOC_API_KEY (generate one with: openssl rand -hex 32)');
}

export function integerFlag(name: string, value: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = parseByteSize(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be an integer ${range}, got "${value}"${/[a-z]/i.test(value) ? ` (${SIZE_UNITS_HINT})` : ''}`);
  }
  return n;
}

/** A TCP port to listen on (0: any free one) or, with `min` 1, to connect to: decimal digits only (a port is not a size). */
export function portFlag(name: string, value: string | undefined, fallback: number, min: 0 | 1): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= 65_535)) throw new UsageError(`--${name} must be an integer from ${min} to 65535, got "${value}"`);
  return n;
}

/** "host:port" with a port from 1 to 65535. */
export function hostPortFlag(name: string, value: string): { host: string; port: number } {
  try {
    return parseHostPort(value);
  } catch {
    throw new UsageError(`--${name} must be HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:9000), got "${value}"`);
  }
}

/** Checks that a host name resolves (an IP address always does), so a typo fails before any socket opens. */
export async function resolvableHostFlag(name: string, host: string): Promise<void> {
  try {
    await dnsLookup(host);
  } catch (err) {
    throw new UsageError(`--${name}: cannot resolve "${host}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** A registry lookup (profile, crypto backend) whose "unknown name" error is the user's to fix. */
function lookup<T>(value: string | undefined, fallback: T, byName: (name: string) => T): T {
  if (value === undefined) return fallback;
  try {
    return byName(value);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function profileFlag(value: string | undefined): AsocProfile {
  return lookup(value, ASOC_V1, profileByName);
}

export function cryptoFlag(value: string | undefined): CryptoBackend {
  return lookup(value, DEFAULT_BACKEND, backendByName);
}

/** Resolves on SIGINT/SIGTERM, so long-running commands stop cleanly. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string) => resolve(signal);
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
}
