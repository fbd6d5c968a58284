/**
 * The calibration file `asoc-lab calibrate` writes, and what each of its costs means to a simulated host.
 *
 * The simulator charges CPU in two places, and the calibration file has a figure for each:
 *
 * - sim/cpu.ts, per packet: every TCP segment or UDP datagram a host sends or receives costs
 *   `…PerFrameMs` plus `…PerByteMs` per payload byte. These are the file's `cpu` fields, the ones
 *   sim/cpu-calibration.ts reads; "frame" there means a packet on the wire.
 * - SimAsocNode, per ASoc frame: each DATA/END/… frame the node writes or reads costs
 *   `asocFrame.sendPerFrameMs` / `receivePerFrameMs` on the same CPU.
 *
 * `asoc-lab calibrate` measures real loopback transfers, where the kernel moves 64 KiB segments
 * whatever the frame size, so per-packet cost cannot be told apart from per-byte cost there: it
 * writes the per-byte cost it measured (kernel, Node and the ASoc core together) into
 * `cpu.…PerByteMs`, 0 into `cpu.…PerFrameMs`, and the fixed cost of one ASoc frame (the write or
 * read it takes, framing, parsing, events) into `asocFrame`. See bench/calibrate.ts.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CalibrationError, cpuCalibrationSchema } from '../sim/cpu-calibration.ts';

export const DEFAULT_CALIBRATION_FILE = 'reports/calibration.json';

const cost = z.number().nonnegative();
const frameCostsSchema = z.strictObject({ sendPerFrameMs: cost, receivePerFrameMs: cost });
const endSchema = z.object({ cpu: cpuCalibrationSchema.shape.cpu, asocFrame: frameCostsSchema });

/**
 * The calibration file: sim/cpu-calibration.ts's format plus the per-ASoc-frame costs, and (files
 * from this version on) both ends of each cost's interval and whether the rounds were stable enough
 * to use. Older files without them still load; the simulator itself only reads `cpu` and `asocFrame`.
 */
export const calibrationFileSchema = cpuCalibrationSchema.extend({
  asocFrame: frameCostsSchema.optional(),
  /** Every cost at the low and at the high end of its interval (the median's bootstrap interval over rounds). */
  bounds: z.object({ low: endSchema, high: endSchema, confidence: z.number(), method: z.string() }).optional(),
  /** Whether the rounds agreed within the stated rules; a rejected calibration decides nothing. */
  stability: z.object({ accepted: z.boolean(), problems: z.array(z.string()) }).optional(),
});
export type CalibrationFile = z.infer<typeof calibrationFileSchema>;
export type CalibrationEnd = 'low' | 'high';

/** A version-1 file with every cost at one end of its interval (what `asoc-lab sim --calibration` reads). */
export function calibrationAtEnd(file: CalibrationFile, end: CalibrationEnd): CalibrationFile {
  if (!file.bounds) throw new CalibrationError('this calibration file has no bounds (it predates them): measure again with asoc-lab calibrate');
  const costs = file.bounds[end];
  return { version: 1, cpu: costs.cpu, asocFrame: costs.asocFrame, source: `the ${end}-cost end of: ${file.source ?? 'a calibration'}` };
}

/** Reads and validates a calibration file (an absent file is an error here). */
export function readCalibrationFile(path: string): CalibrationFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CalibrationError(`${path}: ${(err as Error).message}`);
  }
  const result = calibrationFileSchema.safeParse(json);
  if (!result.success) throw new CalibrationError(`${path}: ${z.prettifyError(result.error)}`);
  return result.data;
}
