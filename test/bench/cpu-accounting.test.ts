import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuShares, foreignCpus, parseNetRx, parsePerCpuStat, type CpuSnapshot } from '../../bench/cpu-accounting.ts';
import { classifyRun, countedRuns, isDisturbed, MAX_FOREIGN_CPUS } from '../../bench/throughput-modes.ts';

const STAT = `cpu  300 0 100 1500 0 0 40 0 0 0
cpu0 200 0 50 700 0 0 30 20 0 0
cpu1 100 0 50 800 0 0 10 0 0 0
intr 1 2 3`;

test('parsePerCpuStat: busy is user+nice+system+irq+softirq; steal and idle are not busy', () => {
  assert.deepEqual(parsePerCpuStat(STAT), [
    { busy: 280, softirq: 30, total: 1000 },
    { busy: 160, softirq: 10, total: 960 },
  ]);
  assert.deepEqual(parsePerCpuStat('intr 1 2'), []);
});

test('parseNetRx reads the NET_RX row, one count per CPU', () => {
  const text = `                    CPU0       CPU1\n          HI:          1          0\n      NET_RX:      28373      14131\n      NET_TX:          5          2\n`;
  assert.deepEqual(parseNetRx(text), [28373, 14131]);
  assert.deepEqual(parseNetRx('nothing'), []);
});

test('cpuShares: each CPU’s shares of its elapsed time and its NET_RX softirqs over the interval', () => {
  const from: CpuSnapshot = { cpus: [{ busy: 0, softirq: 0, total: 0 }, { busy: 0, softirq: 0, total: 0 }], netRx: [10, 10] };
  const to: CpuSnapshot = { cpus: [{ busy: 90, softirq: 20, total: 100 }, { busy: 30, softirq: 5, total: 100 }], netRx: [110, 40] };
  assert.deepEqual(cpuShares(from, to), [
    { cpu: 0, busy: 0.9, softirq: 0.2, netRx: 100 },
    { cpu: 1, busy: 0.3, softirq: 0.05, netRx: 30 },
  ]);
});

test('foreignCpus: busy time beyond the measured processes’ own, per second of the run; never negative', () => {
  const shares = [
    { cpu: 0, busy: 1, softirq: 0, netRx: 0 },
    { cpu: 1, busy: 0.5, softirq: 0, netRx: 0 },
  ];
  assert.equal(foreignCpus(shares, 2, 2), 0.5, '3 CPU-s busy, 2 of them ours, over 2 s');
  assert.equal(foreignCpus(shares, 2, 3.2), 0, 'tick rounding can put our own time above the busy time');
  assert.equal(isDisturbed(0.5), true);
  assert.equal(isDisturbed(MAX_FOREIGN_CPUS / 2), false);
  assert.equal(isDisturbed(null), false, 'unknown is not evidence of a disturbance');
});

test('classifyRun: the busier CPU of a pinned pair is the bottleneck; too close, unpinned or unknown CPUs are not classified', () => {
  const shares = (sender: number, receiver: number) => [
    { cpu: 0, busy: sender, softirq: 0, netRx: 0 },
    { cpu: 1, busy: receiver, softirq: 0, netRx: 0 },
  ];
  const placement = { senderCpu: 0, receiverCpu: 1 };
  assert.equal(classifyRun(shares(0.95, 0.78), placement), 'sender-bound');
  assert.equal(classifyRun(shares(0.3, 0.99), placement), 'receiver-bound');
  assert.equal(classifyRun(shares(0.95, 0.93), placement), 'balanced');
  assert.equal(classifyRun(shares(0.95, 0.5), null), 'unknown');
  assert.equal(classifyRun(null, placement), 'unknown');
  assert.equal(classifyRun(shares(0.95, 0.5), { senderCpu: 2, receiverCpu: 1 }), 'unknown');
});

test('countedRuns leaves disturbed runs out, unless nothing would remain', () => {
  assert.deepEqual(countedRuns([{ disturbed: false, n: 1 }, { disturbed: true, n: 2 }]), [{ disturbed: false, n: 1 }]);
  assert.deepEqual(countedRuns([{ disturbed: true, n: 1 }]), [{ disturbed: true, n: 1 }]);
});
