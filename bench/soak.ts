/**
 * Soak: a node under test (its own process, bench/soak-node.ts) is kept busy for minutes by every
 * kind of peer at once, over loopback:
 * - legitimate bulk transfers both ways, and a peer sending many small streams;
 * - connection churn: handshake, close, again;
 * - connections refused before their handshake: bytes that are not ASoc, a truncated header, an
 *   oversized HELLO, a frame of the wrong type, many tiny frames, silence;
 * - peers that stop reading while the node sends to them (every such send must end in its send
 *   timeout), and peers that send part of a frame and fall silent (closed at the partial-frame
 *   deadline).
 * It samples the node's RSS and heap after a full GC and its open file descriptors, and at the end
 * checks what matters: every send settled, every confirmed byte arrived (both ways), every stopped
 * reader's send rejected with send-timeout, every partial frame closed. Each profile runs in turn.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { profileByName, type AsocProfile } from '../src/core/profile.ts';
import { ConnectionClosedError } from '../src/driver/connection-driver.ts';
import { AsocNode, type AsocNodeOptions } from '../src/net/node.ts';
import { encodeHeader, FrameType } from '../src/wire/frame.ts';
import { machineInfo, type MachineInfo } from './machine.ts';
import { establishedPeer, rawConnection, stoppedReader, type RogueTarget } from './rogue-peers.ts';
import type { NodeCounters, NodeSample, SendOutcome, SoakReply, SoakRequest } from './soak-ipc.ts';

const NODE_FILE = fileURLToPath(new URL('./soak-node.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
const MiB = 1024 * 1024;

/** The node's limits, short so that stuck peers are dealt with many times per minute. */
export const SOAK_LIMITS = { sendStallTimeoutMs: 2_000, partialFrameTimeoutMs: 2_000, handshakeTimeoutMs: 1_000, receiptTimeoutMs: 20_000 };
/** How long a send or a rogue may take before the bench calls it unsettled (far beyond every limit above). */
const SETTLE_BOUND_MS = 60_000;

/** The profiles a soak can run: AsocNode runs them, and their receivers send the delivery receipts its checks count on. */
export const SOAK_PROFILES = ['asoc-v1', 'asoc-hardened', 'asoc-hardened/encrypted'];
export const SOAK_DEFAULTS = { profiles: ['asoc-v1', 'asoc-hardened'], seconds: 60, sampleEverySeconds: 5 };

export interface SoakOptions {
  profiles: string[];
  /** How long each profile is soaked. */
  seconds: number;
  sampleEverySeconds: number;
}

export interface SoakSample {
  atSeconds: number;
  rssMiB: number;
  heapUsedMiB: number;
  fds: number;
  peers: number;
}

/** Sends of one kind: how many, how they ended. */
export interface SendTally {
  started: number;
  delivered: number;
  /** Rejections by error (name and close reason). */
  rejected: Record<string, number>;
  /** Not settled within SETTLE_BOUND_MS: a hang. */
  unsettled: number;
}

export interface SoakProfileResult {
  profile: string;
  samples: SoakSample[];
  sends: { toNode: SendTally; streamsToNode: SendTally; fromNode: SendTally; toStoppedReaders: SendTally };
  bytes: {
    /** Confirmed by the node's receipts… */
    confirmedToNode: number;
    /** …and counted by the node in complete streams. */
    receivedByNode: number;
    confirmedFromNode: number;
    receivedFromNode: number;
  };
  churn: { handshakeCycles: number; refusedConnections: Record<string, number>; partialFrames: number; partialFramesClosedByNode: number };
  node: Pick<NodeCounters, 'peersUp' | 'streamsReceived' | 'streamsAborted' | 'refused' | 'closedBeforeHandshake' | 'peersDown'>;
  /** What went wrong; empty when the soak passed. */
  failures: string[];
}

export interface SoakReport {
  kind: 'soak';
  date: string;
  machine: MachineInfo;
  config: SoakOptions & { limits: typeof SOAK_LIMITS };
  results: SoakProfileResult[];
}

export async function runSoakBench(options: SoakOptions): Promise<SoakReport> {
  const date = new Date().toISOString();
  const results: SoakProfileResult[] = [];
  for (const name of options.profiles) results.push(await soakProfile(profileByName(name), options));
  return { kind: 'soak', date, machine: machineInfo(), config: { ...options, limits: SOAK_LIMITS }, results };
}

// ---- the node under test -----------------------------------------------------------------------

class NodeProcess {
  private readonly child: ChildProcess;
  private readonly settles = new Map<number, (outcome: SendOutcome) => void>();
  private readonly waiting: { type: SoakReply['type']; resolve(m: SoakReply): void }[] = [];
  private nextId = 0;
  readonly exited: Promise<void>;

  constructor(profile: AsocProfile, apiKey: string) {
    this.child = fork(NODE_FILE, [profile.name, JSON.stringify(SOAK_LIMITS)], { execArgv: ['--expose-gc', '--import', TSX_LOADER], env: { ...process.env, ASOC_API_KEY: apiKey }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('message', (m: SoakReply) => {
      if (m.type === 'settled') return this.settles.get(m.id)?.(m.outcome);
      const at = this.waiting.findIndex((w) => w.type === m.type);
      if (at >= 0) this.waiting.splice(at, 1)[0]!.resolve(m);
    });
  }

  /** The node's next reply of this type, or null once the process is gone. */
  next<T extends SoakReply['type']>(type: T): Promise<Extract<SoakReply, { type: T }> | null> {
    return Promise.race([new Promise<Extract<SoakReply, { type: T }>>((resolve) => this.waiting.push({ type, resolve: (m) => resolve(m as Extract<SoakReply, { type: T }>) })), this.exited.then(() => null)]);
  }

  ask<T extends SoakReply['type']>(request: SoakRequest, reply: T): Promise<Extract<SoakReply, { type: T }> | null> {
    const answer = this.next(reply);
    this.child.send(request);
    return answer;
  }

  send(peerKey: string, bytes: number): Promise<SendOutcome> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.settles.set(id, (outcome) => {
        this.settles.delete(id);
        resolve(outcome);
      });
      this.child.send({ type: 'send', id, peerKey, bytes } satisfies SoakRequest);
    });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

// ---- one profile --------------------------------------------------------------------------------

function tally(): SendTally {
  return { started: 0, delivered: 0, rejected: {}, unsettled: 0 };
}

/** Waits for `send` at most SETTLE_BOUND_MS and books how it ended; resolves with the outcome (null: unsettled). */
async function booked(into: SendTally, send: Promise<SendOutcome>): Promise<SendOutcome | null> {
  into.started++;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([send, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SETTLE_BOUND_MS)))]);
  clearTimeout(timer);
  if (outcome === null) into.unsettled++;
  else if (outcome.delivered) into.delivered++;
  else into.rejected[outcome.error] = (into.rejected[outcome.error] ?? 0) + 1;
  return outcome;
}

/** A send of this process's own nodes, as an outcome. */
function outcomeOf(send: Promise<{ bytes: number }>): Promise<SendOutcome> {
  return send.then(
    (receipt) => ({ delivered: true, bytes: receipt.bytes }),
    (err: Error) => ({ delivered: false, error: err instanceof ConnectionClosedError ? `${err.name} (${err.reason})` : err.name }),
  );
}

/** `total` bytes in 1 MiB pieces of one reused buffer. */
export function* generated(total: number): Generator<Uint8Array> {
  const piece = new Uint8Array(MiB).fill(0xa5);
  for (let at = 0; at < total; at += MiB) yield piece.subarray(0, Math.min(MiB, total - at));
}

/** What a refused connection sends, by name (each from its own addresses, so lockouts stay apart). */
function refusedKinds(profile: AsocProfile): { name: string; bytes: Uint8Array; end: boolean }[] {
  const v = profile.wireVersion;
  return [
    { name: 'not ASoc', bytes: new TextEncoder().encode('GET / HTTP/1.1\r\nHost: soak\r\n\r\n'), end: false },
    { name: 'truncated header', bytes: encodeHeader(FrameType.HELLO, 0, 0, 36, v).subarray(0, 7), end: true },
    { name: 'oversized HELLO', bytes: encodeHeader(FrameType.HELLO, 0, 0, 64 * MiB, v), end: false },
    { name: 'wrong type', bytes: Buffer.concat([encodeHeader(FrameType.DATA, 1, 0, 64, v), new Uint8Array(64)]), end: false },
    { name: 'many tiny frames', bytes: Buffer.concat(Array.from({ length: 10_000 }, () => encodeHeader(0x7f, 0, 0, 0, v))), end: false },
    { name: 'silence', bytes: new Uint8Array(0), end: false },
  ];
}

async function soakProfile(profile: AsocProfile, options: SoakOptions): Promise<SoakProfileResult> {
  const apiKey = randomBytes(32).toString('hex');
  const node = new NodeProcess(profile, apiKey);
  const listening = await node.next('listening');
  if (!listening) throw new Error('the node under test exited before it listened');
  const port = listening.port;
  const nodeKey = `127.0.0.1:${port}`;
  const peerOptions: AsocNodeOptions = { community: 'soak', apiKey, host: '127.0.0.1', port: 0, discovery: false, profile, staticPeers: [nodeKey] };
  const bulk = new AsocNode(peerOptions);
  const streamer = new AsocNode(peerOptions);
  let receivedFromNode = 0;
  // Only complete streams count (discard throws for an aborted one).
  bulk.on('stream', (stream) => void stream.discard().then((n) => (receivedFromNode += n), () => {}));
  await Promise.all([bulk.start(), streamer.start()]);
  await Promise.all([bulk.waitForPeer(nodeKey, 10_000), streamer.waitForPeer(nodeKey, 10_000)]);

  const sends = { toNode: tally(), streamsToNode: tally(), fromNode: tally(), toStoppedReaders: tally() };
  const bytes = { confirmedToNode: 0, receivedByNode: 0, confirmedFromNode: 0, receivedFromNode: 0 };
  const churn = { handshakeCycles: 0, refusedConnections: {} as Record<string, number>, partialFrames: 0, partialFramesClosedByNode: 0 };
  const samples: SoakSample[] = [];
  const failures: string[] = [];
  const started = performance.now();
  const stopAt = started + options.seconds * 1000;
  const running = () => performance.now() < stopAt;
  const target = (localAddress: string, nodeId?: Uint8Array): RogueTarget => ({ port, localAddress, ...(nodeId ? { nodeId } : {}) });
  const rogueFailed = (what: string) => (err: Error) => void failures.push(`${what}: ${err.message}`);

  const loops = [
    // Bulk both ways.
    (async () => {
      while (running()) {
        const outcome = await booked(sends.toNode, outcomeOf(bulk.send(nodeKey, generated(16 * MiB))));
        if (outcome?.delivered) bytes.confirmedToNode += outcome.bytes;
      }
    })(),
    (async () => {
      while (running()) {
        const outcome = await booked(sends.fromNode, node.send(bulk.nodeIdHex, 8 * MiB));
        if (outcome?.delivered) bytes.confirmedFromNode += outcome.bytes;
      }
    })(),
    // Small streams, eight at a time.
    ...Array.from({ length: 8 }, (_, lane) =>
      (async () => {
        for (let i = lane; running(); i += 8) {
          const outcome = await booked(sends.streamsToNode, outcomeOf(streamer.send(nodeKey, generated((i * 7919) % (64 * 1024)))));
          if (outcome?.delivered) bytes.confirmedToNode += outcome.bytes;
        }
      })(),
    ),
    // Connection churn.
    (async () => {
      while (running()) {
        const peer = await establishedPeer(target('127.0.0.2'), profile, apiKey).catch(rogueFailed('handshake cycle'));
        if (!peer) break;
        const closed = new Promise((resolve) => peer.socket.once('close', resolve));
        peer.socket.end();
        await closed;
        churn.handshakeCycles++;
        await sleep(20);
      }
    })(),
    // Refused before the handshake, every kind from its own addresses.
    ...refusedKinds(profile).map((kind, k) =>
      (async () => {
        for (let i = 0; running(); i++) {
          await rawConnection(target(`127.0.${10 + k}.${1 + (i % 8)}`), kind.bytes, kind.end);
          churn.refusedConnections[kind.name] = (churn.refusedConnections[kind.name] ?? 0) + 1;
          await sleep(100);
        }
      })(),
    ),
    // Stopped readers: the node's send to each must end in its send timeout.
    (async () => {
      while (running()) {
        const nodeId = randomBytes(16);
        const reader = await stoppedReader(target('127.0.0.3', nodeId), profile, apiKey).catch(rogueFailed('stopped reader'));
        if (!reader) break;
        const outcome = await booked(sends.toStoppedReaders, node.send(Buffer.from(nodeId).toString('hex'), 64 * MiB));
        reader.close();
        if (outcome && (outcome.delivered || outcome.error !== 'ConnectionClosedError (send-timeout)')) failures.push(`a send to a stopped reader ended ${outcome.delivered ? 'delivered' : `with ${outcome.error}`}, not in send-timeout`);
      }
    })(),
    // Part of a frame, then silence.
    (async () => {
      while (running()) {
        const peer = await establishedPeer(target('127.0.0.4'), profile, apiKey).catch(rogueFailed('partial frame'));
        if (!peer) break;
        churn.partialFrames++;
        const closedByNode = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), SETTLE_BOUND_MS);
          peer.socket.once('close', () => resolve(true));
          peer.socket.once('close', () => clearTimeout(timer));
        });
        peer.socket.write(encodeHeader(FrameType.DATA, 1, 0, 1024, profile.wireVersion).subarray(0, 7));
        if (await closedByNode) churn.partialFramesClosedByNode++;
        peer.socket.destroy();
      }
    })(),
  ];

  const sampleNow = async (): Promise<NodeSample | null> => {
    const reply = await node.ask({ type: 'sample' }, 'sample');
    if (!reply) return null;
    const s = reply.sample;
    samples.push({ atSeconds: Math.round((performance.now() - started) / 100) / 10, rssMiB: mib(s.rssBytes), heapUsedMiB: mib(s.heapUsedBytes), fds: s.fds, peers: s.peers });
    return s;
  };
  await sampleNow();
  while (running()) {
    await sleep(Math.min(options.sampleEverySeconds * 1000, Math.max(0, stopAt - performance.now())));
    await sampleNow();
  }
  await Promise.all(loops);
  await Promise.all([bulk.stop(), streamer.stop()]);
  await sleep(500); // the node sees those peers go
  const last = await sampleNow();
  await node.ask({ type: 'stop' }, 'stopped');
  node.kill();
  await node.exited;

  bytes.receivedFromNode = receivedFromNode;
  if (last) {
    bytes.receivedByNode = (last.counters.receivedBytes[bulk.nodeIdHex] ?? 0) + (last.counters.receivedBytes[streamer.nodeIdHex] ?? 0);
    if (last.counters.sendsStarted !== last.counters.sendsSettled) failures.push(`${last.counters.sendsStarted - last.counters.sendsSettled} of the node's sends never settled`);
  } else failures.push('the node under test exited before the last sample');
  for (const [kind, t] of Object.entries(sends)) {
    if (t.unsettled > 0) failures.push(`${t.unsettled} ${kind} sends not settled within ${SETTLE_BOUND_MS / 1000} s`);
    if (kind !== 'toStoppedReaders' && Object.keys(t.rejected).length > 0) failures.push(`${kind}: legitimate sends rejected: ${JSON.stringify(t.rejected)}`);
    if (t.started === 0) failures.push(`${kind}: no send at all`);
  }
  if (bytes.receivedByNode !== bytes.confirmedToNode) failures.push(`the node received ${bytes.receivedByNode} bytes in complete streams, receipts confirmed ${bytes.confirmedToNode}`);
  if (bytes.receivedFromNode !== bytes.confirmedFromNode) failures.push(`${bytes.receivedFromNode} bytes arrived from the node in complete streams, its receipts confirmed ${bytes.confirmedFromNode}`);
  if (churn.partialFramesClosedByNode !== churn.partialFrames) failures.push(`${churn.partialFrames - churn.partialFramesClosedByNode} partial frames not closed by the node`);
  const counters = last?.counters;
  return {
    profile: profile.name,
    samples,
    sends,
    bytes,
    churn,
    node: {
      peersUp: counters?.peersUp ?? 0,
      streamsReceived: counters?.streamsReceived ?? 0,
      streamsAborted: counters?.streamsAborted ?? {},
      refused: counters?.refused ?? {},
      closedBeforeHandshake: counters?.closedBeforeHandshake ?? {},
      peersDown: counters?.peersDown ?? {},
    },
    failures,
  };
}

function mib(bytes: number): number {
  return Math.round((bytes / MiB) * 10) / 10;
}
