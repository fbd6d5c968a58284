/**
 * One topology run on either back-end, as fidelity and scale use it: containers (run.ts) or network
 * namespaces (netns-run.ts) give the same figures, timings and memory per node, the text a person
 * reads and where the run's result.json is.
 */
import path from 'node:path';
import type { Backend } from './backends.ts';
import type { TopoFigures } from './figures.ts';
import { netnsResultText, netnsRun } from './netns-run.ts';
import { resultText, topoRun, type TopoOptions } from './run.ts';

export interface BackendRun extends TopoFigures {
  backend: Backend;
  /** Wall-clock milliseconds: until every node listened; from the start signal until every node was done. */
  timings: { startMs: number | null; workloadMs: number | null };
  /** Each node's memory once every node was done, bytes (a container's as docker stats gives it; a namespace node's resident set). */
  memoryBytes: Record<string, number>;
  text: string;
  resultFile: string;
}

export async function runOn(backend: Backend, options: TopoOptions): Promise<BackendRun> {
  if (backend === 'netns') {
    const result = await netnsRun(options);
    return { ...result, text: netnsResultText(result), resultFile: path.join(result.runDir, 'result.json') };
  }
  const result = await topoRun(options);
  return { ...result, backend, text: resultText(result), resultFile: path.join(path.dirname(result.composeFile), 'result.json') };
}
