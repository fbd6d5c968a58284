/**
 * The server side of the throughput bench, run as a child process of bench/throughput.ts: it takes
 * its configuration over IPC, starts a sink server for every protocol (src/baselines) on
 * 127.0.0.1, reports the ports, and then per run: takes the run's sessions, reports every transfer
 * delivered to it (bytes and SHA-256), sends its own transfers when the run is reverse or
 * bidirectional, answers samples of the bytes delivered so far, and reports its CPU time, the
 * sessions' setup bytes and its GC and page faults over the run (bench/process-meter.ts). Exits
 * when the parent goes away.
 */
import { baselineByName } from '../src/baselines/index.ts';
import type { ServerSession } from '../src/baselines/types.ts';
import { processCostSince, type ProcessReading } from './process-meter.ts';
import { ChunkPattern } from './throughput-data.ts';
import { DeliveryMeter } from './throughput-delivery.ts';
import type { ChildMessage, ParentMessage } from './throughput-ipc.ts';
import { sendTransfers } from './throughput-send.ts';

/** How long `begin` waits for the run's sessions to be reported ready by their servers. */
const SESSION_WAIT_MS = 10_000;

function report(message: ChildMessage): void {
  process.send?.(message);
}

function fail(err: unknown): void {
  report({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}

type Configure = Extract<ParentMessage, { type: 'configure' }>;
type Begin = Extract<ParentMessage, { type: 'begin' }>;

class ThroughputServer {
  private meter: DeliveryMeter;
  /** Sessions reported ready and not yet taken by a run, per protocol. */
  private readonly waiting = new Map<string, ServerSession[]>();
  private readonly pattern: ChunkPattern;
  private run: { begin: Begin; sessions: ServerSession[]; cpu: NodeJS.CpuUsage; memory: () => Promise<ProcessReading> } | null = null;

  constructor(private readonly config: Configure) {
    this.pattern = new ChunkPattern(config.chunkSize, new Uint8Array(Buffer.from(config.pattern, 'base64')));
    this.meter = this.newMeter();
  }

  async listen(): Promise<void> {
    const ports: Record<string, number> = {};
    for (const protocol of this.config.protocols) {
      this.waiting.set(protocol, []);
      const server = await baselineByName(protocol).serve({
        role: 'sink',
        secrets: this.config.secrets,
        sink: () => this.meter.sink(),
        onSession: (session) => this.waiting.get(protocol)!.push(session),
        onError: fail,
      });
      ports[protocol] = server.port;
    }
    report({ type: 'listening', ports });
  }

  async handle(message: ParentMessage): Promise<void> {
    switch (message.type) {
      case 'begin':
        return this.begin(message);
      case 'go':
        return this.go();
      case 'sample':
        return report({ type: 'sample', bytes: this.meter.bytes });
      case 'finish': {
        const run = this.run;
        if (!run) throw new Error('finish without a run');
        const cpu = process.cpuUsage(run.cpu);
        this.run = null;
        return report({ type: 'finished', cpuSeconds: (cpu.user + cpu.system) / 1e6, memory: await run.memory(), setupBytes: run.sessions.map((s) => s.setup) });
      }
      case 'configure':
        throw new Error('configured twice');
    }
  }

  private newMeter(): DeliveryMeter {
    return new DeliveryMeter(this.config.verify, (delivery) => report({ type: 'delivered', delivery }));
  }

  private async begin(begin: Begin): Promise<void> {
    const waiting = this.waiting.get(begin.protocol);
    if (!waiting) throw new Error(`no server for ${begin.protocol}`);
    const deadline = performance.now() + SESSION_WAIT_MS;
    while (waiting.length < begin.parallel) {
      if (performance.now() > deadline) throw new Error(`${begin.protocol}: ${waiting.length} of ${begin.parallel} sessions ready after ${SESSION_WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    this.meter = this.newMeter();
    this.run = { begin, sessions: waiting.splice(0, begin.parallel), cpu: process.cpuUsage(), memory: processCostSince() };
    report({ type: 'ready' });
  }

  private go(): void {
    const run = this.run;
    if (!run) throw new Error('go without begin');
    const plan = run.begin.send;
    if (plan) sendTransfers(run.sessions, this.pattern, plan).then((bytes) => report({ type: 'sent', bytes }), fail);
  }
}

if (!process.send) {
  console.error('throughput-server.ts is started by bench/throughput.ts over an IPC channel, not by hand');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));
process.once('message', (config: ParentMessage) => {
  if (config.type !== 'configure') return fail(new Error(`expected configure, got ${config.type}`));
  const server = new ThroughputServer(config);
  server.listen().then(() => process.on('message', (m: ParentMessage) => void server.handle(m).catch(fail)), fail);
});
