/**
 * What a host's CPU costs in a scenario: the placeholder costs, a host's own figures, or the
 * calibration file that `asoc-lab calibrate` writes (its format: bench/calibration-file.ts).
 */
import { existsSync } from 'node:fs';
import { DEFAULT_CPU_COSTS, FREE_CPU, type CpuCosts } from '../sim/cpu.ts';
import { FREE_FRAMES, type FrameCpuCosts } from '../sim/asoc/index.ts';
import { readCalibrationFile } from '../bench/calibration-file.ts';
import type { CpuSpec } from './schema.ts';

/** What one host's CPU costs: per packet (sim/cpu.ts) and per ASoc frame (SimAsocNode). */
export interface HostCpuCosts {
  packet: CpuCosts;
  frame: FrameCpuCosts;
}

export interface Calibration {
  costs: HostCpuCosts;
  /** Where the costs came from: the file's `source`, or why the defaults are used. */
  source: string;
  /** Set when the file was absent and the defaults stand in, or was rejected as unstable: say so to the user. */
  notice: string | null;
}

/** Reads a calibration file; an absent file gives the simulator's placeholder costs and a notice, a bad one an error. */
export function loadCalibration(path: string): Calibration {
  if (!existsSync(path)) {
    return {
      costs: { packet: { ...DEFAULT_CPU_COSTS }, frame: { ...FREE_FRAMES } },
      source: 'sim/cpu.ts placeholder costs (no calibration file)',
      notice: `no calibration file at ${path}: hosts with "cpu: calibrated" use the simulator's placeholder costs (run asoc-lab calibrate to measure this machine)`,
    };
  }
  const file = readCalibrationFile(path);
  const rejected = file.stability && !file.stability.accepted;
  return {
    costs: { packet: file.cpu, frame: file.asocFrame ?? { ...FREE_FRAMES } },
    source: `${path}: ${file.source ?? 'no source given'}`,
    notice: rejected ? `${path} was rejected as unstable when it was measured (${file.stability!.problems.join('; ')}): figures from it are not this machine's` : null,
  };
}

/** Reads the calibration file once, when a host first asks, and passes on the notice if defaults stand in. */
export class CalibrationSource {
  private value: Calibration | null = null;

  constructor(
    private readonly path: string,
    private readonly onNotice: (text: string) => void = () => {},
  ) {}

  get(): Calibration {
    if (this.value === null) {
      this.value = loadCalibration(this.path);
      if (this.value.notice !== null) this.onNotice(this.value.notice);
    }
    return this.value;
  }

  /** The calibration, if any host asked for it. */
  get loaded(): Calibration | null {
    return this.value;
  }
}

/** A host's costs from its scenario entry; `calibration` is read only when a host asks for it. */
export function hostCpuCosts(spec: CpuSpec, calibration: () => Calibration): HostCpuCosts {
  if (spec === 'calibrated') return calibration().costs;
  const frame = { ...FREE_FRAMES };
  if (spec === 'free') return { packet: { ...FREE_CPU }, frame };
  if (spec === 'default') return { packet: { ...DEFAULT_CPU_COSTS }, frame };
  return { packet: { ...DEFAULT_CPU_COSTS, ...spec }, frame };
}
