import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideBottleneck, SATURATED } from '../../scenarios/bottleneck.ts';
import type { HostCpuCosts } from '../../scenarios/calibration.ts';
import { LoadError, requiredCosts, type HostLoad } from '../../scenarios/required-cpu.ts';

const MiB = 1024 ** 2;
const SHAPE = { frameBytes: MiB, mss: 1460 };
const costs = (scale = 1): HostCpuCosts => ({
  packet: { sendPerFrameMs: 0.0001 * scale, sendPerByteMs: 1e-7 * scale, receivePerFrameMs: 0.0002 * scale, receivePerByteMs: 2e-7 * scale },
  frame: { sendPerFrameMs: 0.01 * scale, receivePerFrameMs: 0.02 * scale },
});
const oneWay = (MBps: number): HostLoad[] => [
  { host: 'a', sendBytesPerSec: MBps * 1e6, receiveBytesPerSec: 0 },
  { host: 'b', sendBytesPerSec: 0, receiveBytesPerSec: MBps * 1e6 },
];

/** Busy fraction of a host, straight from the formula in required-cpu.ts's comment. */
function busy(c: HostCpuCosts, load: HostLoad): number {
  const { packet: p, frame: f } = c;
  const S = load.sendBytesPerSec;
  const R = load.receiveBytesPerSec;
  const perPacket = p.sendPerFrameMs + p.receivePerFrameMs;
  return (S * (p.sendPerByteMs + f.sendPerFrameMs / MiB + perPacket / 1460) + R * (p.receivePerByteMs + f.receivePerFrameMs / MiB + perPacket / 1460)) / 1000;
}

test('every cost scaled by allCostsFactor puts the binding host exactly at the ceiling', () => {
  const budget = requiredCosts(costs(), oneWay(1068), SHAPE);
  assert.equal(budget.binding.load.host, 'b', 'receiving costs more than sending here');
  assert.ok(Math.abs(budget.binding.busy - busy(costs(), oneWay(1068)[1]!)) < 1e-12);
  const scaled = costs(budget.binding.allCostsFactor);
  assert.ok(Math.abs(busy(scaled, oneWay(1068)[1]!) - SATURATED) < 1e-9);
  // And the bottleneck model then calls the CPU the bottleneck, just.
  assert.equal(decideBottleneck({ goodputBytesPerSec: 1068e6, linkBytesPerSec: Infinity, cpuBusy: busy(scaled, oneWay(1068)[1]!) + 1e-9, windowBytesPerSec: Infinity, pathDrops: 0 }).bottleneck, 'cpu');
});

test('per byte alone and per frame alone: the other costs stay, and the host lands at the ceiling', () => {
  const c = costs();
  const load = oneWay(1068)[1]!;
  const host = requiredCosts(c, oneWay(1068), SHAPE).hosts.find((h) => h.load.host === 'b')!;
  const byteOnly: HostCpuCosts = { ...c, packet: { ...c.packet, sendPerByteMs: c.packet.sendPerByteMs * host.perByteFactor, receivePerByteMs: c.packet.receivePerByteMs * host.perByteFactor } };
  assert.ok(Math.abs(busy(byteOnly, load) - SATURATED) < 1e-9);
  const frameOnly: HostCpuCosts = { ...c, frame: { sendPerFrameMs: c.frame.sendPerFrameMs * host.perFrameFactor, receivePerFrameMs: c.frame.receivePerFrameMs * host.perFrameFactor } };
  assert.ok(Math.abs(busy(frameOnly, load) - SATURATED) < 1e-9);
});

test('a host that sends and receives (P3) needs both costs under one ceiling: half the rate of one way', () => {
  const both = (MBps: number): HostLoad[] => ['a', 'b'].map((host) => ({ host, sendBytesPerSec: MBps * 1e6, receiveBytesPerSec: MBps * 1e6 }));
  const c: HostCpuCosts = { packet: { sendPerFrameMs: 0, sendPerByteMs: 4e-7, receivePerFrameMs: 0, receivePerByteMs: 4e-7 }, frame: { sendPerFrameMs: 0, receivePerFrameMs: 0 } };
  const bidir = requiredCosts(c, both(500), SHAPE);
  const single = requiredCosts(c, oneWay(1000), SHAPE);
  assert.ok(Math.abs(bidir.binding.allCostsFactor - single.binding.allCostsFactor) < 1e-12);
  assert.ok(Math.abs(bidir.binding.allCostsFactor - SATURATED / (1e9 * 4e-7 / 1000)) < 1e-9);
});

test('a budget that per-frame work alone exceeds leaves nothing per byte; free costs fit anything', () => {
  const heavyFrames: HostCpuCosts = { ...costs(), frame: { sendPerFrameMs: 2, receivePerFrameMs: 2 } };
  const budget = requiredCosts(heavyFrames, oneWay(1068), SHAPE);
  assert.equal(budget.binding.perByteFactor, 0);
  assert.ok(budget.binding.allCostsFactor < 1);
  const free: HostCpuCosts = { packet: { sendPerFrameMs: 0, sendPerByteMs: 0, receivePerFrameMs: 0, receivePerByteMs: 0 }, frame: { sendPerFrameMs: 0, receivePerFrameMs: 0 } };
  assert.equal(requiredCosts(free, oneWay(1068), SHAPE).binding.allCostsFactor, Infinity);
});

test('bad loads and shapes are typed errors', () => {
  assert.throws(() => requiredCosts(costs(), [], SHAPE), LoadError);
  assert.throws(() => requiredCosts(costs(), oneWay(1), { ...SHAPE, mss: 0 }), LoadError);
  assert.throws(() => requiredCosts(costs(), oneWay(1), { ...SHAPE, ceiling: 1.5 }), LoadError);
  assert.throws(() => requiredCosts(costs(), [{ host: 'x', sendBytesPerSec: -1, receiveBytesPerSec: 0 }], SHAPE), /rates cannot be negative/);
});
