/**
 * The calibration file `asoc-lab calibrate` writes, and what each of its costs means to a simulated host.
 *
 * The simulator charges CPU in two places, and the calibration file has a figure for each:
 *
 * - sim/cpu.ts, per packet: every TCP segment or UDP datagram a host sends or receives costs
 *   `…PerFrameMs` plus `…PerByteMs` per payload byte (sim/cpu.ts `CpuCosts`). These are the file's
 *   `cpu` fields; "frame" there means a packet on the wire.
 * - SimAsocNode, per ASoc frame: each DATA/END/… frame the node writes or reads costs
 *   `asocFrame.sendPerFrameMs` / `receivePerFrameMs` on the same CPU.
 *
 * `asoc-lab calibrate` measures real loopback transfers, where the kernel moves 64 KiB segments
 * whatever the frame size, so per-packet cost cannot be told apart from per-byte cost there: it
 * writes the per-byte cost it measured (kernel, Node and the ASoc core together) into
 * `cpu.…PerByteMs`, 0 into `cpu.…PerFrameMs`, and the fixed cost of one ASoc frame (the write or
 * read it takes, framing, parsing, events) into `asocFrame`. See bench/calibrate.ts.
 *
 * This is the one reader of the file: the simulator takes costs, not files, and the scenario
 * runner (scenarios/calibration.ts) and the claims (lab/claims/sim-claims.ts) read through here.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const DEFAULT_CALIBRATION_FILE = 'reports/calibration.json';

/** A calibration file that cannot be used: absent, not JSON, or a field out of place (named by its path). */
export class CalibrationError extends Error {
  override readonly name = 'CalibrationError';
}

const cost = z.number().nonnegative();
/** sim/cpu.ts's CpuCosts: what every packet a host sends or receives costs. */
const packetCostsSchema = z.strictObject({ sendPerFrameMs: cost, sendPerByteMs: cost, receivePerFrameMs: cost, receivePerByteMs: cost });
const frameCostsSchema = z.strictObject({ sendPerFrameMs: cost, receivePerFrameMs: cost });
const endSchema = z.object({ cpu: packetCostsSchema, asocFrame: frameCostsSchema });

/**
 * The calibration file: version 1, the per-packet costs, an optional free-text source, the
 * per-ASoc-frame costs, and (files from this version on) both ends of each cost's interval and
 * whether the rounds were stable enough to use. Older files without them still load; the simulator
 * itself only takes `cpu` and `asocFrame`.
 */
export const calibrationFileSchema = z.object({
  version: z.literal(1),
  cpu: packetCostsSchema,
  source: z.string().optional(),
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

/** Reads and validates a calibration file; an absent one is an error that says how to make one. */
export function readCalibrationFile(path: string): CalibrationFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CalibrationError(`no calibration file at ${path}: run asoc-lab calibrate first`);
    throw new CalibrationError(`${path}: ${(err as Error).message}`);
  }
  const result = calibrationFileSchema.safeParse(json);
  if (!result.success) throw new CalibrationError(`${path}: ${z.prettifyError(result.error)}`);
  return result.data;
}
