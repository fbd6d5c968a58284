/**
 * The parent's handle on the throughput receiver child (bench/throughput-receiver.ts): starts it
 * with this Node and tsx (on one CPU when asked), configures it over IPC, and hands out its
 * messages in order. A `failed` message or the child's exit rejects whoever waits. The child exits
 * by itself when we go away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCpu } from './cpu-pinning.ts';
import type { ReceiverConfig, ReceiverMessage, ReceiverPorts } from './throughput-ipc.ts';

const RECEIVER_FILE = fileURLToPath(new URL('./throughput-receiver.ts', import.meta.url));
/** Resolved here, so the child finds tsx whatever its working directory. */
const TSX_LOADER = import.meta.resolve('tsx');

type Delivery = Extract<ReceiverMessage, { type: 'done' }>;

export class ReceiverProcess {
  private readonly child: ChildProcess;
  private readonly inbox: ReceiverMessage[] = [];
  private waiter: { resolve(m: ReceiverMessage): void; reject(err: Error): void } | null = null;
  private ended: Error | null = null;

  constructor(config: ReceiverConfig, cpu: number | null) {
    const node: [string, string[]] = [process.execPath, ['--import', TSX_LOADER, RECEIVER_FILE]];
    const [command, args] = cpu === null ? node : onCpu(cpu, ...node);
    this.child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: ReceiverMessage) => this.deliver(m));
    this.child.on('error', (err) => this.end(err));
    this.child.once('exit', (code, signal) => this.end(new Error(`receiver exited (${signal ?? `code ${code}`})`)));
    this.child.send(config);
  }

  /** The ports the child listens on, once it says so. */
  async listening(): Promise<ReceiverPorts> {
    return (await this.next('listening')).ports;
  }

  /** The child's verdict on the next transfer. */
  delivery(): Promise<Delivery> {
    return this.next('done');
  }

  /** Closes the IPC channel: the child exits by itself. */
  close(): void {
    if (this.child.connected) this.child.disconnect();
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private async next<T extends 'listening' | 'done'>(type: T): Promise<Extract<ReceiverMessage, { type: T }>> {
    const m = this.inbox.shift() ?? (await this.receive());
    if (m.type === 'failed') throw new Error(`receiver failed: ${m.message}`);
    if (m.type !== type) throw new Error(`receiver sent "${m.type}" while "${type}" was expected`);
    return m as Extract<ReceiverMessage, { type: T }>;
  }

  private receive(): Promise<ReceiverMessage> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  private deliver(m: ReceiverMessage): void {
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) waiter.resolve(m);
    else this.inbox.push(m);
  }

  private end(err: Error): void {
    this.ended ??= err;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(this.ended);
  }
}
