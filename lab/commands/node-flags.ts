/** The flags that configure an AsocNode, shared by `node`, `send` and `recv`. */
import net from 'node:net';
import { WeakKeyError } from '../../src/core/api-key.ts';
import { STT, type AsocProfile } from '../../src/core/profile.ts';
import { AsocNode, parseStaticPeer, type AsocNodeOptions } from '../../src/net/node.ts';
import { SttUdpNode } from '../../src/net/stt-udp-node.ts';
import { DEFAULT_DISCOVERY_PORT, DEFAULT_TCP_PORT } from '../../src/wire/discovery.ts';
import { MAX_WIRE_LENGTH } from '../../src/wire/frame.ts';
import { cryptoFlag, hostPortFlag, integerFlag, loadApiKey, portFlag, profileFlag, UsageError } from './common.ts';

export const NODE_FLAGS = {
  community: { type: 'string' },
  'api-key-file': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  peer: { type: 'string', multiple: true },
  discovery: { type: 'boolean' },
  'no-discovery': { type: 'boolean' },
  'discovery-port': { type: 'string' },
  broadcast: { type: 'string' },
  profile: { type: 'string' },
  crypto: { type: 'string' },
  'max-frame': { type: 'string' },
} as const;

export const NODE_FLAGS_HELP = `Node options:
  --community NAME        cluster name (not a secret; default "asoc-lab")
  --api-key-file FILE     the cluster's API key; or set ASOC_API_KEY. There is no default key.
  --host ADDR             listen address (default 0.0.0.0)
  --port N                port to listen on, TCP (UDP with --transport udp) (default ${DEFAULT_TCP_PORT}; 0 picks a
                          free one)
  --peer [NODEID@]HOST:PORT
                          a static peer, dialed and redialed forever (repeatable); NODEID pins it:
                          only that node may answer there (32 hex digits, its node id: asoc-hardened,
                          stt; 64, its key: subduction)
  --discovery / --no-discovery
                          UDP discovery (default: on when no --peer is given, as in the reference)
  --discovery-port N      UDP port for discovery (default ${DEFAULT_DISCOVERY_PORT})
  --broadcast ADDR        where announcements go (default 127.255.255.255, this machine only;
                          use your LAN's broadcast address, e.g. 192.168.1.255, on a real network)
  --profile NAME          asoc-v1 (RFC text, default), asoc-v1/reference (the Python reference's behaviour),
                          asoc-hardened, asoc-hardened/encrypted or asoc-hardened/x25519 (encrypted, with
                          forward secrecy) (docs/asoc-hardened.md; wire version 2), subduction, stt
  --crypto node|noble     crypto implementation: HMAC, HKDF, AES-GCM (default node:crypto, the faster one
                          measured by bench crypto)
  --max-frame SIZE        largest frame accepted (default 16MiB)`;

/** What carries the connections. */
export const TRANSPORT_FLAG = { transport: { type: 'string' } } as const;

export const TRANSPORT_FLAG_HELP = `  --transport tcp|udp     tcp (default; every profile), or udp: stt only (--profile stt), its frames
                          cut into datagrams that are acknowledged and retransmitted per stream
                          (docs/stt.md §7); --port is then a UDP port, --peer and discovery dial over
                          UDP, and a node over UDP connects only to nodes over UDP`;

export type Transport = 'tcp' | 'udp';

/** --transport: tcp, or udp, which only the stt profile runs. */
export function transportFlag(value: string | undefined, profile: AsocProfile): Transport {
  if (value === undefined || value === 'tcp') return 'tcp';
  if (value !== 'udp') throw new UsageError(`--transport must be tcp or udp, got "${value}"`);
  if (profile.name !== STT.name) throw new UsageError(`--transport udp runs only the ${STT.name} profile (add --profile ${STT.name}); profile ${profile.name} runs over tcp`);
  return 'udp';
}

type NodeFlagValues = { [K in keyof typeof NODE_FLAGS]?: (typeof NODE_FLAGS)[K] extends { multiple: true } ? string[] : (typeof NODE_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** The node's options from its flags, every flag checked (a UsageError names the first bad one); nothing is opened. */
export function nodeOptionsFromFlags(values: NodeFlagValues, defaults: { port?: number; host?: string } = {}): AsocNodeOptions {
  const profile = profileFlag(values.profile);
  const maxFrame = values['max-frame'] === undefined ? undefined : integerFlag('max-frame', values['max-frame'], 0, 1, MAX_WIRE_LENGTH);
  for (const peer of values.peer ?? []) staticPeerFlag(peer);
  if (values.broadcast !== undefined && !net.isIPv4(values.broadcast)) throw new UsageError(`--broadcast must be an IPv4 address (e.g. 192.168.1.255), got "${values.broadcast}"`);
  const discoveryOn = values['no-discovery'] ? false : values.discovery ? true : undefined;
  return {
    community: values.community ?? 'asoc-lab',
    apiKey: loadApiKey(values['api-key-file']),
    host: values.host ?? defaults.host ?? '0.0.0.0',
    port: portFlag('port', values.port, defaults.port ?? DEFAULT_TCP_PORT, 0),
    staticPeers: values.peer ?? [],
    discovery:
      discoveryOn === false
        ? false
        : discoveryOn === undefined && (values.peer?.length ?? 0) > 0
          ? false
          : {
              port: portFlag('discovery-port', values['discovery-port'], DEFAULT_DISCOVERY_PORT, 1),
              broadcastAddress: values.broadcast ?? '127.255.255.255',
            },
    profile: maxFrame ? { ...profile, maxFrameSize: maxFrame } : profile,
    crypto: cryptoFlag(values.crypto),
  };
}

/** --peer: HOST:PORT, or NODEID@HOST:PORT pinned to that node. */
function staticPeerFlag(value: string): void {
  if (!value.includes('@')) {
    hostPortFlag('peer', value);
    return;
  }
  try {
    parseStaticPeer(value);
  } catch {
    throw new UsageError(`--peer must be NODEID@HOST:PORT with NODEID 32 hex digits and a port from 1 to 65535, got "${value}"`);
  }
}

/** A node over either transport. */
export type LabNode = AsocNode | SttUdpNode;

/** The node, with a key its profile refuses reported as the user's mistake and a weak key it takes warned about. */
export function createNode(options: AsocNodeOptions, transport: Transport = 'tcp'): LabNode {
  let node: LabNode;
  try {
    node = transport === 'udp' ? new SttUdpNode(options) : new AsocNode(options);
  } catch (err) {
    if (err instanceof WeakKeyError) throw new UsageError(err.message);
    throw err;
  }
  if (node.keyWarning) console.error(`warning: ${node.keyWarning}`);
  return node;
}
