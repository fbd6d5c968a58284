/**
 * The simulator's fidelity on real containers, as verify reports it: the lines `asoc-lab topo
 * fidelity` last wrote (per-peer throughput on containers next to the simulator's for the same
 * topology file, and their ratio). verify starts no containers; without the file it says how to
 * measure it.
 */
import { DEFAULT_FIDELITY_FILE, fidelityText, readFidelity } from '../../topo/fidelity.ts';
import type { Instrument } from './instrument.ts';

export const containerFidelity: Instrument = {
  name: 'containers',
  title: 'simulator fidelity on containers',
  claims: {},
  async run() {
    const lines = readFidelity();
    const summary =
      lines.length === 0
        ? `not measured here: asoc-lab topo fidelity scenarios/topologies/two-node-10gbe.yaml scenarios/topologies/eight-node-fanout.yaml scenarios/topologies/ring-allreduce-8.yaml (as root, with a Docker engine) writes ${DEFAULT_FIDELITY_FILE}`
        : `${lines.map(fidelityText).join('; ')} (real ÷ simulator, per peer; from ${DEFAULT_FIDELITY_FILE}, measured ${lines.map((l) => l.measuredAt.slice(0, 10)).join(', ')})`;
    return { claims: [], measurements: [{ name: 'simulator fidelity on containers', summary, data: lines }] };
  },
};
