/**
 * The parent's handle on a server child (bench/echo-server-child.ts): one baseline's echo server
 * (or counting sink) in another process (on its own CPU when asked), so client and server do not
 * share an event loop. It also reports its CPU time and, as a sink, the bytes it received.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { BaselineSecrets, ServerRole } from '../src/baselines/types.ts';
import { withDeadline } from './deadline.ts';
import { measuringChild } from './measuring-node.ts';

export type EchoChildRequest =
  | { type: 'serve'; protocol: string; role: ServerRole; secrets: BaselineSecrets }
  | { type: 'cpu' }
  /** Sink role: the CPU reading is taken the moment the sink has seen this many transfers end. */
  | { type: 'cpu-after'; transfers: number };
export type EchoChildReply =
  | { type: 'listening'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'cpu'; userUs: number; systemUs: number; errors: string[]; received: Received };

/** What a sink-role server has received so far: bytes, and transfers ended. */
export interface Received {
  bytes: number;
  transfers: number;
}

const CHILD_FILE = fileURLToPath(new URL('./echo-server-child.ts', import.meta.url));
const REPLY_TIMEOUT_MS = 30_000;

export interface CpuReading {
  /** User + system CPU time of the process so far, µs. */
  cpuUs: number;
  /** Session errors the server saw since the last reading. */
  errors: string[];
  received: Received;
}

export class EchoServerProcess {
  private readonly child: ChildProcess;
  private exited: Error | null = null;

  private constructor(cpu: number | null) {
    const [command, args] = measuringChild(CHILD_FILE, [], cpu);
    this.child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.once('exit', (code, signal) => (this.exited = new Error(`echo server exited (${signal ?? `code ${code}`})`)));
  }

  /** Starts a child serving `protocol`; resolves once it listens. */
  static async start(protocol: string, secrets: BaselineSecrets, cpu: number | null, role: ServerRole = 'echo'): Promise<{ server: EchoServerProcess; port: number }> {
    const server = new EchoServerProcess(cpu);
    try {
      const reply = await server.ask({ type: 'serve', protocol, role, secrets });
      if (reply.type !== 'listening') throw new Error(`echo server for ${protocol}: ${reply.type === 'failed' ? reply.message : `unexpected "${reply.type}"`}`);
      return { server, port: reply.port };
    } catch (err) {
      server.kill();
      throw err;
    }
  }

  async cpu(): Promise<CpuReading> {
    return this.reading(await this.ask({ type: 'cpu' }));
  }

  /** Sink role: the CPU reading at the moment the `transfers`-th transfer (counted since start) ended. */
  async cpuAfterTransfers(transfers: number, timeoutMs: number): Promise<CpuReading> {
    return this.reading(await this.ask({ type: 'cpu-after', transfers }, timeoutMs));
  }

  private reading(reply: EchoChildReply): CpuReading {
    if (reply.type !== 'cpu') throw new Error(`echo server sent "${reply.type}" when asked for its CPU time`);
    return { cpuUs: reply.userUs + reply.systemUs, errors: reply.errors, received: reply.received };
  }

  /** Disconnects (the child closes its server and exits); kills it if it has not gone within 5 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    if (this.child.connected) this.child.disconnect();
    await withDeadline(exit, 5_000, 'echo server did not exit', () => this.kill()).catch(() => {});
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private ask(request: EchoChildRequest, timeoutMs = REPLY_TIMEOUT_MS): Promise<EchoChildReply> {
    if (this.exited) return Promise.reject(this.exited);
    const reply = new Promise<EchoChildReply>((resolve, reject) => {
      // Both listeners go once either fires: a long run asks many times.
      const onMessage = (message: EchoChildReply) => {
        this.child.off('exit', onExit);
        resolve(message);
      };
      const onExit = () => {
        this.child.off('message', onMessage);
        reject(this.exited);
      };
      this.child.once('message', onMessage);
      this.child.once('exit', onExit);
    });
    this.child.send(request);
    return withDeadline(reply, timeoutMs, `echo server did not answer "${request.type}" within ${timeoutMs} ms`, () => this.kill());
  }
}
