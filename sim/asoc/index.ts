/** The ASoc node on the simulator: the public API the scenario runner and the tests use. */
export { generatedStreamSha256, patternChunk } from './byte-source.ts';
export { CLUSTER_API_KEY, CLUSTER_COMMUNITY, buildCluster, clusterAddress, type Cluster, type ClusterNodeOptions, type ClusterOptions, type Topology } from './cluster.ts';
export { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/driver/dialer.ts';
export { EndpointDriver, type EndpointDriverOptions } from './endpoint-driver.ts';
export { SIM_CRYPTO, memoizingBackend, type MemoizingBackend } from './memo-crypto.ts';
export { SIM_EPOCH_MS } from './sim-transport.ts';
export {
  FREE_FRAMES,
  PeerNotFoundError,
  SimAsocNode,
  type DialRecord,
  type FrameCpuCosts,
  type PeerDown,
  type PeerInfo,
  type SendOptions,
  type SendReceipt,
  type SimAsocNodeCounters,
  type SimAsocNodeEvents,
  type SimAsocNodeOptions,
  type SimFlowSettings,
  type StreamAborted,
  type StreamEnd,
  type StreamInfo,
} from './sim-node.ts';
export { Transfer, type TransferState } from './transfer.ts';
