/**
 * One interface for every protocol the benchmarks compare (raw TCP, ASoc profiles, ASoc in TLS,
 * gRPC, HTTP/1.1, WebSocket). A baseline has a server side and a client side that may live in
 * different processes; they only share the port and the run's secrets.
 *
 * A server is started in one role for its whole life:
 * - `sink`: every transfer a client sends is fed, piece by piece, into a TransferSink the caller
 *   supplies (which counts or hashes it), and ended when the sender's end-of-transfer arrives.
 *   When the baseline can (`serverSends`), each accepted session can also send transfers back
 *   (reverse and bidirectional runs); the client then sinks them the same way.
 * - `echo`: every message a client sends comes back unchanged (ping-pong latency).
 *
 * Setup bytes are counted by the server on its TCP socket (bytes above TCP, both ways) from accept
 * until the session is ready for application data; see ServerSession.setup.
 */

export type ServerRole = 'sink' | 'echo';

/** Made up at run time by whoever starts the run and given to both sides; never a production secret. */
export interface BaselineSecrets {
  /** ASoc community string. */
  community: string;
  /** ASoc API key (hex). */
  apiKey: string;
  /** PEM certificate and key for the TLS baselines (self-signed for 127.0.0.1, see tls-cert.ts). */
  tls: { cert: string; key: string };
}

/** Where one transfer's bytes go, in order. Piece boundaries need not match the sender's chunks. */
export interface TransferSink {
  data(piece: Uint8Array): void;
  /** The sender's end-of-transfer arrived: every byte was handed to data(). */
  end(): void;
}

/** Creates the sink for each transfer as it begins (one per transfer, per session). */
export type SinkFactory = () => TransferSink;

/** Application bytes (above TCP) on one connection, by direction. */
export interface ByteCounts {
  clientToServer: number;
  serverToClient: number;
}

/** A transfer's chunks: listed up front, or produced over time (a paced sender awaits its schedule). */
export type ChunkSource = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** Something that sends transfers: a client session, or (reverse) a server's session. */
export interface TransferSender {
  /**
   * Sends one transfer: every chunk in order, then the end-of-transfer. Chunks are non-empty and
   * at most the run's chunk size; the caller must not change a chunk after handing it over.
   * Resolves when the baseline is done with the transfer (handed to the socket, or confirmed
   * where the protocol confirms); delivery itself is the receiving sink's to report.
   */
  send(chunks: ChunkSource): Promise<void>;
}

export interface ClientSession extends TransferSender {
  /**
   * Echo role only: sends one message and resolves with the server's copy. Calls may overlap;
   * replies are matched in request order (every server here answers in order).
   */
  echo(message: Uint8Array): Promise<Uint8Array>;
  /** Closes cleanly (the protocol's own goodbye, then the connection); resolves once closed. */
  close(): Promise<void>;
}

/** A session as the server sees it, reported once it is ready for application data. */
export interface ServerSession {
  /**
   * Bytes on the TCP connection from accept until the session was ready (the server had sent
   * everything the handshake asks of it and received the client's part): the protocol's setup cost.
   * Raw TCP and HTTP/1.1 have none (0); see each baseline for where "ready" is. Where the client's
   * part ends first (asoc-hardened's FINISH), a client that sends before this session is reported
   * has its first data counted too: to measure setup, send only after onSession (the bench does).
   */
  readonly setup: ByteCounts;
  /** Sends a transfer to the client (sink role, only where `serverSends`); else throws UnsupportedError. */
  send(chunks: ChunkSource): Promise<void>;
}

export interface ServeOptions {
  role: ServerRole;
  secrets: BaselineSecrets;
  /** sink role: where each incoming transfer goes. */
  sink?: SinkFactory;
  /** Called with every session once it is ready. */
  onSession?(session: ServerSession): void;
  /** A failure in a session (not in the listener): a corrupt or aborted transfer, a protocol error. */
  onError?(err: Error): void;
}

export interface ConnectOptions {
  /** The server's role: the client's behaviour must match it. */
  role: ServerRole;
  secrets: BaselineSecrets;
  /** Transfers the server sends (reverse/bidirectional runs) go here. */
  sink?: SinkFactory;
  /** A failure after connect (session-level), as for ServeOptions.onError. */
  onError?(err: Error): void;
  /** How long connect() may take before it rejects. Default 10 s. */
  timeoutMs?: number;
}

/**
 * A baseline client's whole setup (TCP connect, the protocol's handshake, the session ready), not
 * the TCP connect alone that src/driver/dialer.ts's DEFAULT_CONNECT_TIMEOUT_MS bounds.
 */
export const DEFAULT_SESSION_SETUP_TIMEOUT_MS = 10_000;

export interface BaselineServer {
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** Stops listening and closes every session. */
  close(): Promise<void>;
}

export interface Baseline {
  /** The name the CLI and the reports use (e.g. `raw-tcp`, `asoc-v1`, `grpc-stream`). */
  readonly name: string;
  /** One line: what it is. */
  readonly summary: string;
  /** Where it departs from its defaults or cannot do something (also said in its module comment). */
  readonly limitations: readonly string[];
  /** Whether a server-side session can send transfers (needed by reverse and bidirectional runs). */
  readonly serverSends: boolean;
  /** Largest chunk (one message/frame/request) it takes, if it has a limit. */
  readonly maxChunkBytes: number | null;
  /** Listens on 127.0.0.1, on a free port. */
  serve(options: ServeOptions): Promise<BaselineServer>;
  /** Connects to a server of this baseline and resolves once the session is ready. */
  connect(port: number, options: ConnectOptions): Promise<ClientSession>;
}

/** Asked of a baseline what it cannot do (reverse on a protocol whose server cannot push, …). */
export class UnsupportedError extends Error {
  override readonly name = 'UnsupportedError';
}

/** A session broke the protocol the baselines speak (an unexpected message, a bad reply). */
export class BaselineProtocolError extends Error {
  override readonly name = 'BaselineProtocolError';
}

export const LOOPBACK = '127.0.0.1';
