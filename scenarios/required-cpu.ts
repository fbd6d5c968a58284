/**
 * What CPU a host needs for a throughput claim, in the terms of the bottleneck model (bottleneck.ts):
 * a transfer is CPU-bound once a host's CPU is SATURATED (85 %) busy, so a claim that needs a host
 * to send S and receive R bytes per second needs
 *
 *   busy = S · (sendPerByte + sendPerFrame / frame + (sendPerPacket + receivePerPacket) / MSS)
 *        + R · (receivePerByte + receivePerFrame / frame + (receivePerPacket + sendPerPacket) / MSS)
 *        ≤ SATURATED
 *
 * with "frame" the ASoc frame (SimAsocNode's cost) and "packet" a TCP segment (sim/cpu.ts's, one
 * ACK per data segment: the simulated TCP has no delayed ACKs, and an ACK carries no payload). The
 * answer is solved, not searched: every cost may be scaled by SATURATED ÷ busy; the per-byte costs
 * alone by what the ceiling leaves after the per-frame and per-packet work, and the per-frame costs
 * likewise. It is what the CPU allows; the simulator can do worse (a transfer limited by something
 * else) but not better.
 */
import { SATURATED } from './bottleneck.ts';
import type { HostCpuCosts } from './calibration.ts';

export interface HostLoad {
  host: string;
  sendBytesPerSec: number;
  receiveBytesPerSec: number;
}

export interface LoadShape {
  /** Payload bytes per ASoc frame (the workload's chunk). */
  frameBytes: number;
  /** Payload bytes per TCP segment. */
  mss: number;
  /** Busy fraction that counts as CPU-bound; default the bottleneck model's SATURATED. */
  ceiling?: number;
}

export interface HostBudget {
  load: HostLoad;
  /** Busy fraction at the claimed rates with the given costs. */
  busy: number;
  /** Every cost may be multiplied by this and still fit (below 1: the costs must fall by that much). */
  allCostsFactor: number;
  /** The per-byte costs alone may be multiplied by this (per-frame and per-packet as given); 0: not even at 0 per byte. */
  perByteFactor: number;
  /** The per-ASoc-frame costs alone may be multiplied by this. */
  perFrameFactor: number;
}

export interface CostBudget {
  ceiling: number;
  hosts: HostBudget[];
  /** The host that needs the cheapest CPU (the smallest allCostsFactor). */
  binding: HostBudget;
}

export class LoadError extends Error {
  override readonly name = 'LoadError';
}

/** CPU ms per second a host spends on its load, by kind of cost. */
function busyParts(costs: HostCpuCosts, load: HostLoad, shape: LoadShape): { byte: number; frame: number; packet: number } {
  const { packet: p, frame: f } = costs;
  const S = load.sendBytesPerSec;
  const R = load.receiveBytesPerSec;
  return {
    byte: S * p.sendPerByteMs + R * p.receivePerByteMs,
    frame: (S * f.sendPerFrameMs + R * f.receivePerFrameMs) / shape.frameBytes,
    packet: ((S + R) * (p.sendPerFrameMs + p.receivePerFrameMs)) / shape.mss,
  };
}

/** How far a part may scale so the host's busy time fits under the ceiling with the other parts fixed. */
function scaleFor(ceilingMsPerSec: number, part: number, rest: number): number {
  if (part === 0) return rest <= ceilingMsPerSec ? Infinity : 0;
  return Math.max(0, (ceilingMsPerSec - rest) / part);
}

export function requiredCosts(costs: HostCpuCosts, loads: readonly HostLoad[], shape: LoadShape): CostBudget {
  if (loads.length === 0) throw new LoadError('no host loads given');
  if (!(shape.frameBytes > 0 && shape.mss > 0)) throw new LoadError(`frameBytes and mss must be positive, got ${shape.frameBytes} and ${shape.mss}`);
  const ceiling = shape.ceiling ?? SATURATED;
  if (!(ceiling > 0 && ceiling <= 1)) throw new LoadError(`the ceiling is a busy fraction in (0, 1], got ${ceiling}`);
  for (const l of loads) if (!(l.sendBytesPerSec >= 0 && l.receiveBytesPerSec >= 0)) throw new LoadError(`${l.host}: rates cannot be negative`);
  const ceilingMs = ceiling * 1000;
  const hosts = loads.map((load): HostBudget => {
    const parts = busyParts(costs, load, shape);
    const busyMs = parts.byte + parts.frame + parts.packet;
    return {
      load,
      busy: busyMs / 1000,
      allCostsFactor: busyMs === 0 ? Infinity : ceilingMs / busyMs,
      perByteFactor: scaleFor(ceilingMs, parts.byte, parts.frame + parts.packet),
      perFrameFactor: scaleFor(ceilingMs, parts.frame, parts.byte + parts.packet),
    };
  });
  return { ceiling, hosts, binding: hosts.reduce((a, b) => (b.allCostsFactor < a.allCostsFactor ? b : a)) };
}
