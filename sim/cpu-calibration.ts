/**
 * Reads the CPU constants that `asoc-lab calibrate` measures on a real machine. The file is JSON:
 *
 *   { "version": 1, "cpu": { "sendPerFrameMs": …, "sendPerByteMs": …, "receivePerFrameMs": …,
 *     "receivePerByteMs": … }, "source": "free text, optional" }
 *
 * A bad file is rejected with the path of the bad field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CpuCosts } from './cpu.ts';

const cost = z.number().nonnegative();

export const cpuCalibrationSchema = z.object({
  version: z.literal(1),
  cpu: z.strictObject({
    sendPerFrameMs: cost,
    sendPerByteMs: cost,
    receivePerFrameMs: cost,
    receivePerByteMs: cost,
  }),
  source: z.string().optional(),
});

export type CpuCalibration = z.infer<typeof cpuCalibrationSchema>;

export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

/** Validates parsed JSON and returns its CPU costs. */
export function parseCpuCalibration(json: unknown, origin = 'calibration'): CpuCosts {
  const result = cpuCalibrationSchema.safeParse(json);
  if (!result.success) throw new CalibrationError(`${origin}: ${z.prettifyError(result.error)}`);
  return result.data.cpu;
}

/** Reads and validates a calibration file. */
export function loadCpuCalibration(path: string): CpuCosts {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CalibrationError(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseCpuCalibration(json, path);
}
