/** runWorkload: a promise-based workload on the simulator's scheduler, bounded and never hanging. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkloadStuckError, buildCluster, runWorkload } from '../../../sim/asoc/index.ts';
import { EventBudgetExceeded } from '../../../sim/index.ts';

test('a workload that waits for what never comes fails in the simulator instead of hanging', async () => {
  const cluster = buildCluster({ seed: 4, size: 2, topology: 'mesh' });
  const [sender] = cluster.nodes;
  // Not started: no peer ever comes up, and waitForPeer's own timer (virtual time) rejects it.
  await assert.rejects(
    runWorkload(cluster.sim.scheduler, () => sender!.waitForPeer('nobody', 5_000)),
    (err: Error) => err.name === 'PeerNotFoundError' && /within 5000 ms/.test(err.message),
  );
  assert.equal(cluster.sim.scheduler.now, 5_000, 'the wait ended at its timeout in virtual time');
});

test('a workload waiting on nothing the simulation can do is reported stuck', async () => {
  const cluster = buildCluster({ seed: 5, size: 1, topology: 'mesh' });
  await assert.rejects(
    runWorkload(cluster.sim.scheduler, () => new Promise<never>(() => {})),
    (err: Error) => err instanceof WorkloadStuckError && /no simulation event is left/.test(err.message),
  );
});

test('a workload that keeps the simulation busy stops at its event budget', async () => {
  const cluster = buildCluster({ seed: 6, size: 2, topology: 'mesh' });
  const [sender] = cluster.nodes;
  cluster.start();
  // The peer never comes (n0 waits for a key nobody has) while the nodes exchange handshake and TCP events.
  await assert.rejects(runWorkload(cluster.sim.scheduler, () => sender!.waitForPeer('nobody'), { maxEvents: 20 }), (err: Error) => err instanceof EventBudgetExceeded && /20 events executed/.test(err.message));
  assert.equal(cluster.sim.scheduler.eventsExecuted, 20);
});
