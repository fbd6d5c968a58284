/**
 * A compose file from a container plan: one service per host, on one network whose subnet holds the
 * topology's addresses, each container at its host's address, the API key as a compose secret
 * (never in the image). The same text runs with docker-compose 1.29, `docker compose` v2 and
 * `docker stack deploy` (which ignores `build` and the fixed addresses: see README).
 *
 * Variables a run sets (all optional, empty by default): ASOC_IMAGE (image name), ASOC_BASE (the
 * Dockerfile's BASE), ASOC_NPM_OFFLINE (1: npm ci from topo/npm-cache), ASOC_TOPO_PROFILE (every
 * node's profile instead of the file's), ASOC_TOPO_TRANSPORT (every node's transport: tcp, or udp
 * for stt), ASOC_TOPO_HOLD (1: workloads wait for SIGUSR1, sent once
 * the links are shaped).
 */
import { stringify } from 'yaml';
import type { ContainerPlan } from './plan.ts';

export const DEFAULT_IMAGE = 'asoc-lab:local';
export const API_KEY_SECRET = 'asoc_api_key';
export const NETWORK_NAME = 'lab';

export interface ComposeOptions {
  /** The topology file as the containers see it: relative to the image's /app, or where it is mounted. */
  topologyPath: string;
  /** A topology file the image does not carry, mounted read-only at topologyPath. */
  mountFrom?: string | null;
  /** The build context (the repository root), as the compose file refers to it. */
  context: string;
  /** The file holding the API key, as the compose file refers to it. */
  keyFile: string;
}

export function composeText(plan: ContainerPlan, options: ComposeOptions): string {
  // Shared by every service: written once, as YAML anchors, and referred to after.
  const build = { context: options.context, args: { BASE: '${ASOC_BASE:-node:20-slim}', NPM_OFFLINE: '${ASOC_NPM_OFFLINE:-}' } };
  const environment = { ASOC_TOPO_PROFILE: '${ASOC_TOPO_PROFILE:-}', ASOC_TOPO_TRANSPORT: '${ASOC_TOPO_TRANSPORT:-}', ASOC_TOPO_HOLD: '${ASOC_TOPO_HOLD:-}' };
  const secrets = [API_KEY_SECRET];
  const services = Object.fromEntries(
    plan.hosts.map((host) => [
      host.name,
      {
        image: `\${ASOC_IMAGE:-${DEFAULT_IMAGE}}`,
        build,
        command: ['topo', 'node', options.topologyPath, '--name', host.name],
        hostname: host.name,
        environment,
        secrets,
        ...(options.mountFrom ? { volumes: [`${options.mountFrom}:${options.topologyPath}:ro`] } : {}),
        networks: { [NETWORK_NAME]: { ipv4_address: host.address } },
        labels: { 'asoc-lab.topology': plan.name, 'asoc-lab.roles': host.roles.join(',') || 'none' },
        // Swarm only (compose leaves `deploy` out): the service name resolves to the container's own
        // address, as it does under compose, not to a virtual one.
        deploy: { endpoint_mode: 'dnsrr' },
      },
    ]),
  );
  const file = {
    version: '3.8',
    services,
    networks: { [NETWORK_NAME]: { ipam: { config: [{ subnet: `${plan.subnet.network}/${plan.subnet.prefix}` }] } } },
    secrets: { [API_KEY_SECRET]: { file: options.keyFile } },
  };
  const header = [
    `# ${plan.name}: ${plan.description}`,
    `# Generated from ${options.topologyPath} by \`asoc-lab topo compose ${options.topologyPath}\`; edit that file, not this one`,
    `# (a test checks that the two agree). Roles: ${plan.hosts.map((h) => `${h.name} (${h.roles.join(', ') || 'none'})`).join(', ')}.`,
  ];
  return `${header.join('\n')}\n${stringify(file, { lineWidth: 0, flowCollectionPadding: false })}`;
}
