/**
 * Simulator throughput: one bulk TCP transfer between two hosts on a 10 Gbit/s link, measured as
 * simulated events per wall-clock second and memory (after a 4 MiB warm-up run). `asoc-lab bench
 * sim-events` gives it flags and prints it (lab/commands/bench/sim-events.ts).
 */
import { machineInfo, type MachineInfo } from './machine.ts';
import { measureWallTime } from './wall-time.ts';
import { Simulation } from '../sim/simulation.ts';
import type { TcpSocket } from '../sim/tcp/tcp-socket.ts';

const CHUNK = new Uint8Array(1024 * 1024);

export interface SimEventsOptions {
  /** Bytes transferred, in MiB. */
  mebibytes: number;
  /** Keep the trace hash (what every deterministic run pays for). */
  hash: boolean;
}

export const SIM_EVENTS_DEFAULTS: SimEventsOptions = { mebibytes: 256, hash: true };

export interface SimEventsReport {
  date: string;
  machine: MachineInfo;
  scenario: string;
  traceHash: boolean;
  simulatedMiB: number;
  simulatedMs: number;
  simulatedGoodputGbps: number;
  events: number;
  wallMs: number;
  eventsPerSecond: number;
  /** CPU time of the run (user + system, this process: the simulator is single-threaded, GC helpers add a little). */
  cpuMs: number;
  /** Events per CPU second: what a busy shared machine disturbs less than events per wall second. */
  eventsPerCpuSecond: number;
  simulatedMiBPerWallSecond: number;
  heapUsedMiB: number;
  rssMiB: number;
}

function writeAll(socket: TcpSocket, chunks: number): void {
  let left = chunks;
  let rest: Uint8Array = CHUNK;
  const fill = (): void => {
    while (left > 0) {
      const accepted = socket.write(rest);
      if (accepted < rest.length) {
        rest = rest.subarray(accepted);
        return;
      }
      rest = CHUNK;
      left--;
    }
    socket.end();
  };
  socket.onConnect = fill;
  socket.onWritable = fill;
}

function transfer(mebibytes: number, hash: boolean) {
  const sim = new Simulation({ seed: 'bench', trace: { hash } });
  const sender = sim.addHost({ name: 'sender', address: '10.0.0.1' });
  const receiver = sim.addHost({ name: 'receiver', address: '10.0.0.2' });
  sim.link(sender, receiver, { bandwidthBps: 10e9, latencyMs: 0.05, queueBytes: 8 * 1024 * 1024 });
  let received = 0;
  let doneAt = 0;
  receiver.tcp.listen(9000, (socket) => {
    socket.onData = (bytes) => {
      received += bytes.length;
    };
    socket.onEnd = () => {
      doneAt = sim.scheduler.now;
      socket.end();
    };
  });
  writeAll(sender.tcp.connect('10.0.0.2', 9000), mebibytes);
  sim.scheduler.runUntil(() => doneAt > 0);
  if (received !== mebibytes * CHUNK.length) throw new Error(`received ${received} bytes, expected ${mebibytes} MiB`);
  return { sim, doneAt, received };
}

export async function runSimEventsBench(options: SimEventsOptions = SIM_EVENTS_DEFAULTS): Promise<SimEventsReport> {
  const { mebibytes, hash } = options;
  if (!(Number.isSafeInteger(mebibytes) && mebibytes > 0)) throw new RangeError(`mebibytes must be a positive integer, got ${mebibytes}`);
  transfer(4, hash); // warm-up
  const { result, wallMs, cpuMs } = measureWallTime(() => transfer(mebibytes, hash));
  const events = result.sim.scheduler.eventsExecuted;
  const memory = process.memoryUsage();
  return {
    date: new Date().toISOString(),
    machine: machineInfo(),
    scenario: 'bulk TCP, 10 Gbit/s, 0.1 ms RTT, default CPU costs',
    traceHash: hash,
    simulatedMiB: mebibytes,
    simulatedMs: result.doneAt,
    simulatedGoodputGbps: (result.received * 8) / (result.doneAt / 1000) / 1e9,
    events,
    wallMs: Math.round(wallMs),
    eventsPerSecond: Math.round(events / (wallMs / 1000)),
    cpuMs: Math.round(cpuMs),
    eventsPerCpuSecond: Math.round(events / (cpuMs / 1000)),
    simulatedMiBPerWallSecond: mebibytes / (wallMs / 1000),
    heapUsedMiB: memory.heapUsed / 2 ** 20,
    rssMiB: memory.rss / 2 ** 20,
  };
}
