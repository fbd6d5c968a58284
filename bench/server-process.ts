/**
 * The parent's handle on the throughput server child (bench/throughput-server.ts): starts it with
 * this Node and tsx (on one CPU when asked), sends it messages, and hands out its replies by type,
 * each type in order. A `failed` message or the child's exit rejects whoever waits, then and later.
 * The child exits by itself when we go away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measuringChild } from './measuring-node.ts';
import type { ChildMessage, ParentMessage } from './throughput-ipc.ts';

const SERVER_FILE = fileURLToPath(new URL('./throughput-server.ts', import.meta.url));

type Kind = Exclude<ChildMessage['type'], 'failed'>;
type Message<T extends Kind> = Extract<ChildMessage, { type: T }>;

export class ServerProcess {
  private readonly child: ChildProcess;
  private readonly inboxes = new Map<Kind, ChildMessage[]>();
  private readonly waiters = new Map<Kind, Array<{ resolve(m: ChildMessage): void; reject(err: Error): void }>>();
  private ended: Error | null = null;

  constructor(cpu: number | null) {
    const [command, args] = measuringChild(SERVER_FILE, [], cpu);
    this.child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: ChildMessage) => this.deliver(m));
    this.child.on('error', (err) => this.end(err));
    this.child.once('exit', (code, signal) => this.end(new Error(`the server process exited (${signal ?? `code ${code}`})`)));
  }

  send(message: ParentMessage): void {
    if (this.ended) throw this.ended;
    this.child.send(message);
  }

  /** The child's next message of this type. */
  next<T extends Kind>(type: T): Promise<Message<T>> {
    const queued = this.inboxes.get(type)?.shift();
    if (queued) return Promise.resolve(queued as Message<T>);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(type) ?? [];
      list.push({ resolve: (m) => resolve(m as Message<T>), reject });
      this.waiters.set(type, list);
    });
  }

  /** Sends `message` and waits for the reply of type `reply`. */
  ask<T extends Kind>(message: ParentMessage, reply: T): Promise<Message<T>> {
    const answer = this.next(reply);
    this.send(message);
    return answer;
  }

  /** Closes the IPC channel: the child exits by itself. */
  close(): void {
    if (this.child.connected) this.child.disconnect();
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private deliver(m: ChildMessage): void {
    if (m.type === 'failed') return this.end(new Error(`server process failed: ${m.message}`));
    const waiter = this.waiters.get(m.type)?.shift();
    if (waiter) return waiter.resolve(m);
    const inbox = this.inboxes.get(m.type) ?? [];
    inbox.push(m);
    this.inboxes.set(m.type, inbox);
  }

  private end(err: Error): void {
    this.ended ??= err;
    for (const list of this.waiters.values()) for (const w of list.splice(0)) w.reject(this.ended);
  }
}
