/** How the node names a peer to its application. */
export type PeerDirection = 'outbound' | 'inbound';
export type PeerSource = 'static' | 'discovered' | 'inbound';

export interface PeerInfo {
  /** The key `send` takes: the peer's node id (hex) when known, else "host:port" of a static peer. */
  key: string;
  /** Hex node id; a v1 client learns a server's id only through discovery, never from the handshake. */
  nodeId: string | null;
  address: string;
  port: number;
  direction: PeerDirection;
  source: PeerSource;
}

/** `send` named a peer the node is not connected to. */
export class PeerNotFoundError extends Error {
  override readonly name = 'PeerNotFoundError';
}
