/**
 * What the receiver's read path does to a pinned loopback transfer, without any protocol: the same
 * bytes from a sending child on one CPU to this process on the other, read either by node:net's
 * 'data' events (a new 64 KiB buffer per read) or into one reused buffer of a given size (the
 * socket's `onread` option, which node:net offers only to sockets it connects, so here the receiver
 * connects). Variants alternate run by run. Each run records its MB/s, its bytes per read, both
 * CPUs' busy shares and the mode they show (bench/throughput-modes.ts): a receiver that costs less
 * per byte stays ahead of the sender, and the pair stays out of the slow receiver-bound mode.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { cpuShares, snapshotCpus, type CpuShare } from './cpu-accounting.ts';
import { choosePinning, pinSelf, type Pinning } from './cpu-pinning.ts';
import { machineInfo, type MachineInfo } from './machine.ts';
import { measuringChild } from './measuring-node.ts';
import { processCostSince, type ProcessReading } from './process-meter.ts';
import { relativeSpread, spread, type Spread } from './stats.ts';
import { classifyRun, type RunMode } from './throughput-modes.ts';

const SENDER_FILE = fileURLToPath(new URL('./receive-path-sender.ts', import.meta.url));
const MiB = 1024 * 1024;

/** 'data-events', or the size in bytes of the one buffer every read goes into. */
export type ReadVariant = 'data-events' | number;

export interface ReceivePathOptions {
  totalBytes: number;
  runs: number;
  variants: ReadVariant[];
  /** A run that takes longer fails the bench. */
  runTimeoutMs: number;
}

export const RECEIVE_PATH_DEFAULTS: ReceivePathOptions = { totalBytes: 2048 * MiB, runs: 12, variants: ['data-events', 64 * 1024, 256 * 1024, MiB], runTimeoutMs: 60_000 };

export interface ReceivePathRun {
  variant: string;
  run: number;
  MBps: number;
  bytesPerRead: number;
  cpus: CpuShare[] | null;
  mode: RunMode;
  /** The receiver's GC and page faults over the run. */
  memory: ProcessReading;
}

export interface ReceivePathReport {
  date: string;
  machine: MachineInfo;
  config: Omit<ReceivePathOptions, 'variants'> & { variants: string[]; pinning: Pinning | null };
  runs: ReceivePathRun[];
  /** Per variant: MB/s over its runs, (max − min) ÷ median, and how many runs showed each mode. */
  summary: Record<string, { MBps: Spread; relativeSpread: number; modes: Partial<Record<RunMode, number>> }>;
}

export const variantName = (variant: ReadVariant): string => (variant === 'data-events' ? 'data-events' : `onread-${variant / 1024}KiB`);

export async function runReceivePathBench(options: ReceivePathOptions): Promise<ReceivePathReport> {
  const pinning = choosePinning();
  const [command, args] = measuringChild(SENDER_FILE, [String(options.totalBytes)], pinning?.sender ?? null);
  const sender = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const unpin = pinning ? pinSelf(pinning.receiver) : () => {};
  try {
    const [{ port }] = (await once(sender, 'message')) as [{ port: number }];
    const runs: ReceivePathRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      for (const variant of options.variants) {
        const before = snapshotCpus();
        const memory = processCostSince();
        const measured = await receiveOnce(port, variant, options);
        const after = snapshotCpus();
        const cpus = before && after ? cpuShares(before, after) : null;
        const placement = pinning && { senderCpu: pinning.sender, receiverCpu: pinning.receiver };
        runs.push({ variant: variantName(variant), run, ...measured, cpus, mode: classifyRun(cpus, placement), memory: await memory() });
      }
    }
    return { date: new Date().toISOString(), machine: machineInfo(), config: { ...options, variants: options.variants.map(variantName), pinning }, runs, summary: summarise(runs) };
  } finally {
    unpin();
    sender.kill();
  }
}

/** One transfer of `totalBytes`, timed from connect to the sender's FIN. */
async function receiveOnce(port: number, variant: ReadVariant, { totalBytes, runTimeoutMs }: ReceivePathOptions): Promise<{ MBps: number; bytesPerRead: number }> {
  let bytes = 0;
  let reads = 0;
  const count = (n: number): void => {
    bytes += n;
    reads++;
  };
  const started = process.hrtime.bigint();
  const socket =
    variant === 'data-events'
      ? net.connect({ port, host: '127.0.0.1' }).on('data', (piece: Buffer) => count(piece.length))
      : net.connect({ port, host: '127.0.0.1', onread: { buffer: Buffer.alloc(variant), callback: (n: number) => (count(n), true) } });
  const timer = setTimeout(() => socket.destroy(new Error(`a ${variantName(variant)} run took more than ${runTimeoutMs} ms`)), runTimeoutMs);
  try {
    await once(socket, 'end');
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (bytes !== totalBytes) throw new Error(`${variantName(variant)}: received ${bytes} of ${totalBytes} bytes`);
  return { MBps: bytes / seconds / 1e6, bytesPerRead: bytes / reads };
}

function summarise(runs: readonly ReceivePathRun[]): ReceivePathReport['summary'] {
  const summary: ReceivePathReport['summary'] = {};
  for (const variant of new Set(runs.map((r) => r.variant))) {
    const mine = runs.filter((r) => r.variant === variant);
    const modes: Partial<Record<RunMode, number>> = {};
    for (const r of mine) modes[r.mode] = (modes[r.mode] ?? 0) + 1;
    const rates = mine.map((r) => r.MBps);
    summary[variant] = { MBps: spread(rates), relativeSpread: relativeSpread(rates), modes };
  }
  return summary;
}
