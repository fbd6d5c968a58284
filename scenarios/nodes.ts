/**
 * The scenario's ASoc nodes: one SimAsocNode per host named in `nodes[].on`, called by its host's
 * name, with the node entry's community, key, profile, port, chunk size, static peers and
 * discovery, and the host's per-ASoc-frame CPU costs. A node never dials itself (a group it belongs
 * to may name its static peers). `ring: true` adds the next node of the entry as a static peer. Every node hashes the streams it receives,
 * so the runner can show that no byte was lost or changed.
 */
import { PROFILES } from '../src/core/profile.ts';
import { SimAsocNode } from '../sim/asoc/index.ts';
import type { Network } from './network.ts';
import { ringPeers } from './ring-peers.ts';
import type { NodeSpec, Scenario } from './schema.ts';

export interface ScenarioNode {
  name: string;
  node: SimAsocNode;
  spec: NodeSpec;
}

export function createNodes(network: Network, scenario: Scenario): Map<string, ScenarioNode> {
  const specByHost = new Map<string, NodeSpec>();
  for (const spec of scenario.nodes) for (const host of network.index.resolve(spec.on)) specByHost.set(host, spec);
  const nodes = new Map<string, ScenarioNode>();
  const ringPeer = ringPeers(scenario, network.index);
  for (const [name, spec] of specByHost) {
    const { host, costs } = network.host(name);
    const discovery = spec.discovery === true ? {} : spec.discovery;
    const listed = spec.peers === undefined ? [] : network.index.resolve(spec.peers);
    const ring = ringPeer.get(name);
    const peerHosts = [...new Set([...listed, ...(ring === undefined ? [] : [ring])])].filter((peer) => peer !== name);
    const staticPeers = peerHosts.map((peer) => ({ address: network.host(peer).host.addressText, port: specByHost.get(peer)!.port }));
    const node = new SimAsocNode({
      sim: network.sim,
      host,
      community: spec.community,
      apiKey: new TextEncoder().encode(spec.apiKey),
      port: spec.port,
      staticPeers,
      discovery: discovery === false ? false : { port: discovery.port },
      maxDialedPeers: discovery === false ? undefined : discovery.maxDialedPeers,
      profile: PROFILES[spec.profile],
      limits: { chunkSize: spec.chunkBytes },
      frameCosts: costs.frame,
      hashStreams: true,
    });
    nodes.set(name, { name, node, spec });
  }
  return nodes;
}

