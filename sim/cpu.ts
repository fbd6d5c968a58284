/**
 * A host's CPU as a single FIFO resource. Sending a packet and receiving one cost CPU time (a fixed
 * cost per frame plus a cost per payload byte); work queues behind earlier work, so a host that cannot
 * keep up delays its packets and the CPU, not the link, sets the pace. A "frame" here is one packet
 * the host puts on or takes off a link (a TCP segment, a bare ACK, a UDP datagram). Received frames
 * waiting for the CPU form a bounded backlog; beyond it they are dropped, as a kernel does.
 *
 * The default constants are placeholders in the range of a kernel TCP stack on a current x86 core;
 * `asoc-lab calibrate` measures real ones, which the scenario runner passes in (the file is read by
 * bench/calibration-file.ts: the simulator takes costs, never files).
 */
import type { Packet } from './packet.ts';
import type { EventLane, Scheduler } from './scheduler.ts';

export interface CpuCosts {
  sendPerFrameMs: number;
  sendPerByteMs: number;
  receivePerFrameMs: number;
  receivePerByteMs: number;
}

export const DEFAULT_CPU_COSTS: Readonly<CpuCosts> = {
  sendPerFrameMs: 0.001, // 1 µs
  sendPerByteMs: 1e-7, // 0.1 ns: a copy at 10 GB/s
  receivePerFrameMs: 0.0015,
  receivePerByteMs: 2e-7,
};

/** A CPU that costs nothing: packets pass without waiting and without an extra event. */
export const FREE_CPU: Readonly<CpuCosts> = {
  sendPerFrameMs: 0,
  sendPerByteMs: 0,
  receivePerFrameMs: 0,
  receivePerByteMs: 0,
};

/** Received frames that may wait for the CPU before more are dropped (Linux netdev_max_backlog). */
export const DEFAULT_RECEIVE_BACKLOG_FRAMES = 1000;

const runTask = (task: () => void): void => task();

export class Cpu {
  /** Queued work, in the order it finishes (one FIFO resource: finishing times never go down). */
  private readonly work: EventLane;
  private freeAt = 0;
  private busy = 0;
  private receiveBacklog = 0;
  private backlogDrops = 0;

  constructor(
    private readonly scheduler: Scheduler,
    readonly costs: Readonly<CpuCosts>,
    private readonly receiveBacklogFrames = DEFAULT_RECEIVE_BACKLOG_FRAMES,
  ) {
    this.work = scheduler.lane();
  }

  /** Received frames dropped so far because the backlog was full. */
  get droppedFrames(): number {
    return this.backlogDrops;
  }

  /** Total CPU time spent so far (ms); divide by elapsed virtual time for utilisation. */
  get busyMs(): number {
    return this.busy;
  }

  /** Runs `task` once `costMs` of CPU time has been spent on it, after all work queued before it. */
  run(costMs: number, task: () => void): void {
    this.queueWork(costMs, runTask, task, undefined);
  }

  /** Runs `task(packet)` once the CPU has sent the packet. */
  send(packet: Packet, task: (packet: Packet) => void): void {
    this.queueWork(this.costs.sendPerFrameMs + this.costs.sendPerByteMs * packet.payload.length, task, packet, undefined);
  }

  /**
   * Queues the processing of a received frame; returns false, and drops it, when the backlog is full
   * (a bounded receive queue, so an overloaded host loses packets rather than queueing without end).
   */
  receive(packet: Packet, task: (packet: Packet) => void): boolean {
    if (this.receiveBacklog >= this.receiveBacklogFrames) {
      this.backlogDrops++;
      return false;
    }
    const costMs = this.costs.receivePerFrameMs + this.costs.receivePerByteMs * packet.payload.length;
    if (costMs === 0 && this.freeAt <= this.scheduler.now) {
      task(packet); // free and idle: no event, and no closure either (a broadcast storm is millions of these)
      return true;
    }
    this.receiveBacklog++;
    this.queueWork(costMs, this.received, task, packet);
    return true;
  }

  private readonly received = (task: (packet: Packet) => void, packet: Packet): void => {
    this.receiveBacklog--;
    task(packet);
  };

  /** Runs `action(a, b)` after `costMs` of CPU time, behind the work queued before it (at once when free and idle). */
  private queueWork<A, B>(costMs: number, action: (a: A, b: B) => void, a: A, b: B): void {
    const now = this.scheduler.now;
    if (costMs === 0 && this.freeAt <= now) {
      action(a, b);
      return;
    }
    this.freeAt = Math.max(this.freeAt, now) + costMs;
    this.busy += costMs;
    this.work.push(this.freeAt, action, a, b);
  }
}
