/**
 * The layers of the lab, checked by test/repo/layers.test.ts (part of `npm test`): each layer
 * imports only from the layers below it, and no files import each other in a loop.
 *
 *   1. src/        the protocol and its drivers
 *   2. sim/        the simulator engine (nothing from src/); sim/asoc/ runs the real core on it
 *   3. bench/ < attacks/ < scenarios/ < topo/   the instruments, in that order among themselves
 *   4. lab/        claims, deciders, report, commands, cli.ts (and bin/, which starts it)
 *
 * Tests may import from any layer; nothing imports a test. See docs/architecture.md.
 */

const above = (...layers) => ({ path: `^(${layers.join('|')})/` });

module.exports = {
  forbidden: [
    {
      name: 'protocol-imports-only-protocol',
      comment: 'src/ is the ground floor: it imports nothing from the simulator, the instruments or the lab.',
      severity: 'error',
      from: { path: '^src/' },
      to: above('sim', 'attacks', 'scenarios', 'bench', 'topo', 'lab', 'bin', 'test'),
    },
    {
      name: 'simulator-imports-only-simulator',
      comment: 'The simulator engine knows nothing of ASoc: only sim/asoc/, the adapter, imports src/.',
      severity: 'error',
      from: { path: '^sim/', pathNot: '^sim/asoc/' },
      to: above('src', 'sim/asoc', 'attacks', 'scenarios', 'bench', 'topo', 'lab', 'bin', 'test'),
    },
    {
      name: 'adapter-below-instruments',
      severity: 'error',
      from: { path: '^sim/asoc/' },
      to: above('attacks', 'scenarios', 'bench', 'topo', 'lab', 'bin', 'test'),
    },
    {
      name: 'bench-below-attacks-and-scenarios',
      comment: 'Benchmarks measure: the scenario engine may use their statistics and calibration file, not the other way round.',
      severity: 'error',
      from: { path: '^bench/' },
      to: above('attacks', 'scenarios', 'topo', 'lab', 'bin', 'test'),
    },
    {
      name: 'attacks-below-scenarios',
      comment: 'Threat scenarios run the simulated attacks; attacks do not reach back into the scenario engine.',
      severity: 'error',
      from: { path: '^attacks/' },
      to: above('scenarios', 'topo', 'lab', 'bin', 'test'),
    },
    {
      name: 'scenarios-below-lab',
      severity: 'error',
      from: { path: '^scenarios/' },
      to: above('lab', 'bin', 'test'),
    },
    {
      name: 'lab-below-bin',
      severity: 'error',
      from: { path: '^lab/' },
      to: above('bin', 'test'),
    },
    {
      name: 'no-cycles',
      comment: 'No files import each other in a loop.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a loop of types is still a loop a reader has to untangle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
