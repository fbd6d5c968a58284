import {
  ATTACK_NAMES,
  ATTACK_SUMMARIES,
  TargetNotAllowedError,
  connectionFlood,
  failedAuthBurst,
  helloReplay,
  outcomeLine,
  oversizedFrame,
  resolveAttackTarget,
  slowHandshake,
  writeAttackReport,
  type AttackName,
  type AttackResult,
  type AttackTarget,
} from '../../attacks/live/index.ts';
import { MAX_ATTACK_BUDGET_MS, MAX_ATTACK_COUNT } from '../../attacks/live/bounds.ts';
import { attackSource, formatTarget } from '../../attacks/live/target.ts';
import { DEFAULT_ATTACK_TIMEOUT_MS, type CommonAttackOptions } from '../../attacks/live/run.ts';
import { integerFlag, loadApiKey, parseFlags, profileFlag, subcommand, UsageError, type Command } from './common.ts';
import { parseByteSize } from '../../bench/units.ts';

const list = ATTACK_NAMES.map((name) => `  ${name.padEnd(18)} [${ATTACK_SUMMARIES[name].claims.join(' ')}] ${ATTACK_SUMMARIES[name].summary}`).join('\n');

const help = `Usage: asoc-lab attack <name> --target HOST:PORT [options]

Runs one of the lab's attacks against a real ASoc server over real sockets and prints one outcome:
SUCCEEDED (the protection the claims promise did not stop it), REFUSED (it was stopped) or
INCONCLUSIVE, with the claim ids, the counts and times that decided it. JSON goes to
reports/attacks/<name>-<timestamp>.json (or --out). Every loop is capped in count and by --timeout;
every socket is closed at the end.

Targets: only loopback (127.0.0.0/8, ::1), or with --allow-netns NAME an address configured inside
the network namespace NAME, which must be one the project made (named asoc-lab-*), or with
--allow-bench-net an address in 198.18.0.0/15 from a host that has one there itself (a container of
\`asoc-lab topo\`). Anything else is refused before a socket opens.

Attacks:
${list}

Options:
  --target HOST:PORT      the server under attack (required)
  --timeout SECONDS       wall-clock budget for the whole attack (default ${DEFAULT_ATTACK_TIMEOUT_MS / 1000}, at most ${MAX_ATTACK_BUDGET_MS / 1000})
  --source ADDR           loopback address the attack's connections come from (default, for an IPv4
                          loopback target: a random 127.x.y.z per run, so that one run's lockout does
                          not spoil the next; give the same ADDR again to test an address locked out)
  --out FILE              write the JSON here instead of reports/attacks/
  --allow-netns NAME      also allow addresses inside project-made network namespace NAME
  --allow-bench-net       also allow 198.18.0.0/15 (the topologies' block), when this host has an address there
  --victim-key-file FILE  a legitimate client's API key (else ASOC_API_KEY, if set). With a key:
                          hello-replay runs its own victim client through the proxy; oversized-frame
                          sends its frame on an authenticated connection; the others check whether a
                          legitimate client still gets in after (or during) the attack
  --profile NAME          what the target speaks (default asoc-v1): the legitimate client's profile,
                          and the wire version of forged frames and wrong-key HELLOs
  --count N               connection-flood: connections (default 150); failed-auth-burst: bad HELLOs
                          (default 10); slow-handshake: silent connections (default 10); at most ${MAX_ATTACK_COUNT}

hello-replay:
  --listen HOST:PORT      where the recording proxy listens (default 127.0.0.1, a free port; printed)
  --wait SECONDS          without a key, how long to wait for a real client through the proxy (default 10)
  --delay SECONDS         replay once more after this delay (default: only at once)
  --replay-to HOST:PORT   replay to this server instead of the target (repeatable; e.g. another node
                          with the same key: the asoc-v1 profile remembers challenges per server)
oversized-frame:
  --frame-size SIZE       length the header announces (default 1GiB; at most 4294967295)
  --push SIZE             payload bytes fed at most (default 64MiB)
connection-flood:
  --hold SECONDS          how long the connections are held before counting (default 1)

Exit status: 0 when the attack ran (whatever its outcome), 2 for a usage error or a refused target.`;

const FLAGS = {
  target: { type: 'string' },
  timeout: { type: 'string' },
  source: { type: 'string' },
  out: { type: 'string' },
  'allow-netns': { type: 'string' },
  'allow-bench-net': { type: 'boolean' },
  'victim-key-file': { type: 'string' },
  profile: { type: 'string' },
  count: { type: 'string' },
  listen: { type: 'string' },
  wait: { type: 'string' },
  delay: { type: 'string' },
  'replay-to': { type: 'string', multiple: true },
  'frame-size': { type: 'string' },
  push: { type: 'string' },
  hold: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

/** Seconds (decimals allowed) as milliseconds. */
function secondsFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0 || value.trim() === '') throw new UsageError(`--${name} must be a number of seconds, got "${value}"`);
  return seconds * 1000;
}

function sizeFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseByteSize(value);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new UsageError(`--${name} must be a size such as 64MiB, got "${value}"`);
  return bytes;
}

/** The key from --victim-key-file or ASOC_API_KEY, or null when neither is given (attacks then run without a legitimate client). */
function optionalKey(file: string | undefined): Uint8Array | null {
  return file || process.env.ASOC_API_KEY ? loadApiKey(file) : null;
}

/** Runs `check`, turning a refused or malformed address into a usage error. */
async function asUsage<T>(check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof TargetNotAllowedError || err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
}

function checkedTarget(text: string, allowNetns: string | undefined, allowBenchNet = false): Promise<AttackTarget> {
  return asUsage(() => resolveAttackTarget(text, { allowNetns, allowBenchNet }));
}

async function runNamed(name: AttackName, common: CommonAttackOptions, values: Values): Promise<AttackResult> {
  const count = values.count === undefined ? undefined : integerFlag('count', values.count, 0, 1);
  switch (name) {
    case 'hello-replay': {
      const replayTargets = values['replay-to'] ? await Promise.all(values['replay-to'].map((t) => checkedTarget(t, values['allow-netns'], values['allow-bench-net']))) : undefined;
      const listen = values.listen ? await checkedTarget(values.listen, undefined) : undefined;
      return helloReplay({
        ...common,
        listen,
        replayTargets,
        waitMs: secondsFlag('wait', values.wait),
        delayMs: secondsFlag('delay', values.delay),
        onListening: (address) => console.log(`recording proxy listening on ${formatTarget(address)} → ${formatTarget(common.target)}${common.apiKey ? ' (built-in victim client connecting)' : '; point a client at it'}`),
      });
    }
    case 'oversized-frame':
      return oversizedFrame({ ...common, frameBytes: sizeFlag('frame-size', values['frame-size']), pushBytes: sizeFlag('push', values.push) });
    case 'connection-flood':
      return connectionFlood({ ...common, count, holdMs: secondsFlag('hold', values.hold) });
    case 'failed-auth-burst':
      return failedAuthBurst({ ...common, count });
    case 'slow-handshake':
      return slowHandshake({ ...common, count });
  }
}

export const attackCommand: Command = {
  name: 'attack',
  summary: 'run an attack against a real server on loopback and report whether it was stopped',
  help,
  async run(argv) {
    const picked = subcommand(argv, ATTACK_NAMES, 'attack', help);
    if (typeof picked === 'number') return picked;
    const { name, rest } = picked;
    const { values } = parseFlags(rest, FLAGS);
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.target) throw new UsageError(`--target HOST:PORT is required\n\n${help}`);
    const timeoutMs = secondsFlag('timeout', values.timeout) ?? DEFAULT_ATTACK_TIMEOUT_MS;
    if (timeoutMs <= 0 || timeoutMs > MAX_ATTACK_BUDGET_MS) throw new UsageError(`--timeout must be above 0 and at most ${MAX_ATTACK_BUDGET_MS / 1000} seconds, got "${values.timeout}"`);
    const target = await checkedTarget(values.target, values['allow-netns'], values['allow-bench-net']);
    const source = values.source;
    if (source !== undefined) await asUsage(() => attackSource(target, source));
    const common: CommonAttackOptions = {
      target,
      source,
      timeoutMs,
      apiKey: optionalKey(values['victim-key-file']),
      profile: profileFlag(values.profile),
    };
    let result: AttackResult;
    try {
      result = await runNamed(name as AttackName, common, values);
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    console.log(outcomeLine(result));
    console.log(`report: ${await writeAttackReport(result, values.out)}`);
    return 0;
  },
};
