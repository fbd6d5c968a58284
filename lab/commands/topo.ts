import path from 'node:path';
import { writeFileSync } from 'node:fs';
import type { ProfileName } from '../../src/core/profile.ts';
import { composeText } from '../../topo/compose.ts';
import { COMPOSE_CHOICES, type ComposeChoice } from '../../topo/engine.ts';
import { formatEvent } from '../../topo/events.ts';
import { runOn } from '../../topo/backend-run.ts';
import { BACKEND_PLACES, BACKENDS, type Backend } from '../../topo/backends.ts';
import { FIDELITY_FILE_NAME, fidelityLine, fidelityText, simulatedFigures, writeFidelity, type FidelityLine } from '../../topo/fidelity.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { runTopologyNode } from '../../topo/node-runner.ts';
import { loadTopology, REPO_ROOT, resultText, topoDown, topoRun, topoUp, type TopoOptions } from '../../topo/run.ts';
import type { Transport } from '../../topo/plan.ts';
import { describeRates } from '../../topo/shaping.ts';
import { measureScale } from '../../topo/scale.ts';
import { netnsDown, netnsResultText, netnsRun, netnsTeardownLine, netnsUp } from '../../topo/netns-run.ts';
import { parseByteSize } from '../../bench/units.ts';
import { loadApiKey, parseFlags, profileFlag, subcommand, UsageError, type Command } from './common.ts';

const SUBCOMMANDS = ['run', 'up', 'down', 'compose', 'fidelity', 'scale', 'node'] as const;

const help = `Usage: asoc-lab topo <run|up|down|compose|fidelity|node> <topology.yaml> [options]
       asoc-lab topo <run|up|down|fidelity> <topology.yaml> --backend netns [--profile NAME] [--transport tcp|udp] [--out DIR]
       asoc-lab topo scale [--nodes 8,16,32,64] [--bytes 16MiB] [--backend netns]

Runs a topology file (the same files \`asoc-lab sim\` reads, in scenarios/topologies/) on real
containers: one container per host on one Docker network, every address in 198.18.0.0/15. With
--backend netns, on network namespaces instead (no engine, no image): one namespace per host,
each host's eth0 a veth to one bridge in a namespace of its own, the nodes run with
\`ip netns exec\`; the same figures, the same teardown. Its namespaces are named
asoclab-<topology>@<host> (the bridge's: asoclab-<topology>@_bridge); the host's own interfaces
and routes are never touched.

  run FILE        build the image, start the containers, shape each link's rate (tc inside the
                  containers' network namespaces), run the workloads and the attacks, print each
                  stream's delivered throughput (SHA-256 checked), what discovery found and each
                  attack's outcome, write reports/topo/<name>/result.json, and take everything down
                  (also after a failure or Ctrl-C). Exit 1 when anything the file asks for failed.
  up FILE         the same up to the start of the workloads, then leave the containers running
  down FILE       take a topology's containers and network down
  compose FILE    print the compose file for a topology (--write PATH writes it instead); the
                  repository's docker-compose.yml is this for scenarios/topologies/three-nodes-attacker.yaml
  fidelity FILE…  run each file on containers (or namespaces) and in the simulator; print per-peer
                  throughput on both, and their ratio (the simulator's fidelity), into
                  <out>/fidelity.json, one line per file and back-end (verify's report shows
                  reports/topo/fidelity.json). P3: two-node-10gbe.yaml; P4: eight-node-fanout.yaml
  scale           a fan-out (one sender to every other node at once, 10 GbE switch) at each node
                  count of --nodes, on containers (or namespaces) and simulated: start time, memory
                  per container (a namespace node's resident set), per-peer throughput on both and
                  the ratio; stops at the first count that fails; <out>/scale.json (scale-netns.json)
  node FILE --name HOST [--file-addresses]
                  inside a container or namespace: run host HOST of the topology (what the compose
                  file starts; --file-addresses: peers at the file's addresses, without DNS)

Options:
  --backend NAME  container (default) or netns (run, up, down, fidelity and scale)
  --profile NAME  every node speaks this profile instead of the file's (asoc-v1, asoc-hardened,
                  subduction, stt, …)
  --compose v1|v2 which compose runs the containers: v1 is docker-compose (1.29), v2 the docker
                  CLI's \`compose\` plugin (topo/compose-v2.sh provides it); default \$ASOC_COMPOSE,
                  else docker-compose where installed, else v2
  --transport tcp|udp
                  what carries the nodes' connections (run, up, compose): tcp (default; every
                  profile), or udp: stt over UDP datagrams (docs/stt.md §7), for files whose nodes
                  all speak stt (add --profile stt) and that have no attacks (the live attacks
                  speak TCP); anything else is refused before anything starts, naming what is wrong
  --base IMAGE    the image's base (default: asoc-lab-base:local when present, made by
                  topo/base-image.sh from this machine's Node.js; else node:20-slim)
  --out DIR       run directories go here (default reports/topo)

Needs root and a Docker engine with docker-compose (or \`docker compose\`); as root,
topo/setup-docker.sh installs them and starts dockerd. --backend netns needs root and ip and tc
(iproute2); topo/netns-leftovers.sh lists (check) or removes (remove) namespaces a run left. Link rates are shaped with htb/tbf; latency,
jitter and loss stay the simulator's (this kernel has no netem), and the run says so.`;

const FLAGS = {
  profile: { type: 'string' },
  transport: { type: 'string' },
  base: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  nodes: { type: 'string' },
  bytes: { type: 'string' },
  write: { type: 'string' },
  'api-key-file': { type: 'string' },
  'file-addresses': { type: 'boolean' },
  backend: { type: 'string' },
  compose: { type: 'string' },
} as const;

function composeFlag(value: string | undefined): ComposeChoice | undefined {
  if (value === undefined || (COMPOSE_CHOICES as readonly string[]).includes(value)) return value as ComposeChoice | undefined;
  throw new UsageError(`--compose must be one of ${COMPOSE_CHOICES.join(', ')}, got "${value}"`);
}

/** --transport (or the variable a node reads it from): tcp or udp; whether the file's nodes can take it is the plan's check. */
function topoTransport(value: string | undefined, flag: string): Transport | undefined {
  if (value === undefined) return undefined;
  if (value !== 'tcp' && value !== 'udp') throw new UsageError(`${flag} must be tcp or udp, got "${value}"`);
  return value;
}

const API_KEY_FILE = '/run/secrets/asoc_api_key';

/** An AbortSignal that fires on the first Ctrl-C or SIGTERM, so a run still takes its containers (or namespaces) down. */
function abortOnSignal(what = 'containers'): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (name: string) => {
    console.error(`asoc-lab topo: ${name}: stopping, taking the ${what} down`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, release: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)) };
}

async function runNode(file: string, name: string | undefined, keyFile: string | undefined, fileAddresses: boolean): Promise<number> {
  if (!name) throw new UsageError(`topo node needs --name HOST\n\n${help}`);
  const profile = process.env.ASOC_TOPO_PROFILE ? (profileFlag(process.env.ASOC_TOPO_PROFILE).name as ProfileName) : undefined;
  const { plan } = loadTopology(file, process.cwd(), { profile, transport: topoTransport(process.env.ASOC_TOPO_TRANSPORT || undefined, 'ASOC_TOPO_TRANSPORT') });
  const host = plan.hosts.find((h) => h.name === name);
  const apiKey = host?.node ? loadApiKey(keyFile ?? (process.env.ASOC_API_KEY ? undefined : API_KEY_FILE)) : new Uint8Array(0);
  const go = process.env.ASOC_TOPO_HOLD === '1' ? new Promise<void>((resolve) => process.once('SIGUSR1', () => resolve())) : Promise.resolve();
  const stop = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  // An attacker host has nothing else that keeps the process alive until it is stopped.
  const keepAlive = setInterval(() => {}, 3_600_000);
  try {
    const report = await runTopologyNode({ plan, name, apiKey, go, stop, fileAddresses, emit: (event) => console.log(formatEvent(event)) });
    console.log(formatEvent({ event: 'result', report }));
  } finally {
    clearInterval(keepAlive);
  }
  return 0;
}

/** run, up or down on network namespaces. */
async function runNetns(name: 'run' | 'up' | 'down', file: string, options: Omit<TopoOptions, 'file' | 'log' | 'signal'>): Promise<number> {
  const { signal, release } = abortOnSignal('namespaces');
  try {
    const all: TopoOptions = { ...options, file, signal, log: (line) => console.log(line) };
    if (name === 'down') {
      const left = await netnsDown(all);
      console.log(`down: ${netnsTeardownLine(left)}`);
      return left.namespaces.length + left.processes.length === 0 ? 0 : 1;
    }
    if (name === 'up') {
      const dep = await netnsUp(all);
      console.log(`up: ${dep.nodes.map((n) => `${n.host.name} in ${n.namespace} (pid ${n.pid}, log ${path.relative(process.cwd(), n.log)})`).join(', ')}\ntake it down with: asoc-lab topo down ${file} --backend netns`);
      return 0;
    }
    const result = await netnsRun(all);
    console.log(netnsResultText(result));
    console.log(`result: ${path.relative(process.cwd(), path.join(result.runDir, 'result.json'))}`);
    return result.problems.length === 0 ? 0 : 1;
  } finally {
    release();
  }
}

/** Each file on the back-end, then in the simulator; the lines go to the fidelity file (fidelity.json in the run directory's parent, --out). */
async function fidelity(backend: Backend, files: string[], options: TopoOptions): Promise<number> {
  const lines: FidelityLine[] = [];
  let failed = false;
  for (const file of files) {
    const result = await runOn(backend, { ...options, file });
    console.log(result.text);
    if (result.problems.length > 0) {
      failed = true;
      continue;
    }
    console.log(`simulating ${file} for the same figures`);
    const line = fidelityLine(loadScenario(file), result, simulatedFigures(loadScenario(file)), new Date().toISOString(), backend);
    console.log(fidelityText(line));
    lines.push(line);
  }
  const out = path.join(options.outDir, FIDELITY_FILE_NAME);
  writeFidelity(lines, out);
  console.log(`fidelity: ${out}`);
  return failed ? 1 : 0;
}

async function scale(backend: Backend, nodes: string, bytes: string, outDir: string, compose: ComposeChoice | undefined): Promise<number> {
  const counts = nodes.split(',').map((n) => Number(n.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 2 || n > 1000)) throw new UsageError(`--nodes must be node counts from 2 to 1000, such as 8,16,32, got "${nodes}"`);
  if (!Number.isFinite(parseByteSize(bytes))) throw new UsageError(`--bytes must be a size such as 16MiB, got "${bytes}"`);
  const { signal, release } = abortOnSignal(BACKEND_PLACES[backend]);
  try {
    const points = await measureScale(backend, counts, bytes, { repoRoot: REPO_ROOT, outDir, compose, signal, log: (line) => console.log(line) });
    return points.every((p) => p.ok) ? 0 : 1;
  } finally {
    release();
  }
}

export const topoCommand: Command = {
  name: 'topo',
  summary: 'run a topology file on real containers (Docker): up, run, down',
  help,
  async run(argv) {
    const picked = subcommand(argv, SUBCOMMANDS, 'topo subcommand', help);
    if (typeof picked === 'number') return picked;
    const { values, positionals } = parseFlags(picked.rest, FLAGS, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    const backend = values.backend ?? 'container';
    if (!(BACKENDS as readonly string[]).includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${backend}"`);
    const outDir = path.resolve(values.out ?? 'reports/topo');
    const compose = composeFlag(values.compose);
    if (picked.name === 'scale') return scale(backend as Backend, values.nodes ?? '8,16,32,64', values.bytes ?? '16MiB', outDir, compose);
    const [file, ...extra] = positionals;
    if (!file || (extra.length > 0 && picked.name !== 'fidelity')) throw new UsageError(`topo ${picked.name} takes one topology file\n\n${help}`);
    if (picked.name === 'node') return runNode(file, values.name, values['api-key-file'], values['file-addresses'] === true);
    const profile = values.profile === undefined ? undefined : (profileFlag(values.profile).name as ProfileName);
    const transport = topoTransport(values.transport, '--transport');
    if (backend === 'netns' && picked.name === 'fidelity') {
      const { signal, release } = abortOnSignal('namespaces');
      try {
        return await fidelity('netns', positionals, { file, repoRoot: REPO_ROOT, outDir, profile, transport, signal, log: (line) => console.log(line) });
      } finally {
        release();
      }
    }
    if (backend === 'netns') {
      if (picked.name !== 'run' && picked.name !== 'up' && picked.name !== 'down') throw new UsageError(`topo ${picked.name} runs on containers only; --backend netns is for run, up, down, fidelity and scale`);
      return runNetns(picked.name, file, { repoRoot: REPO_ROOT, outDir, profile, transport });
    }
    if (picked.name === 'compose') {
      const { plan, topologyPath } = loadTopology(file, REPO_ROOT, { profile, transport });
      const text = composeText(plan, { topologyPath, context: '.', keyFile: './.asoc-api-key' });
      if (values.write) writeFileSync(values.write, text);
      else process.stdout.write(text);
      return 0;
    }
    const { signal, release } = abortOnSignal();
    const options: TopoOptions = { file, repoRoot: REPO_ROOT, outDir, profile, transport, base: values.base, compose, signal, log: (line) => console.log(line) };
    try {
      if (picked.name === 'down') {
        const left = await topoDown(options);
        console.log(left.containers.length + left.networks.length === 0 ? 'down: no container or network of this topology is left' : `down left ${left.containers.length} container(s) and ${left.networks.length} network(s)`);
        return left.containers.length + left.networks.length === 0 ? 0 : 1;
      }
      if (picked.name === 'fidelity') return await fidelity('container', positionals, options);
      if (picked.name === 'up') {
        const dep = await topoUp(options);
        console.log(`up: ${dep.plan.hosts.map((h) => `${h.name} (${describeRates(h.egress)})`).join(', ')}\ncompose file: ${dep.project.file}\ntake it down with: asoc-lab topo down ${file}`);
        return 0;
      }
      const result = await topoRun(options);
      console.log(resultText(result));
      console.log(`result: ${path.relative(process.cwd(), path.join(path.dirname(result.composeFile), 'result.json'))}`);
      return result.problems.length === 0 ? 0 : 1;
    } finally {
      release();
    }
  },
};
