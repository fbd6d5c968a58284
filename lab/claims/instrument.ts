/**
 * What `asoc-lab verify` runs: instruments, each deciding a known set of claims. verify loops over
 * the registry (instruments.ts); which instrument decides a claim is written in one place, there.
 */
import type { ClaimResult, Figure } from './verdict.ts';

/** A measurement of the run that is not itself a claim (or is the raw material of several). */
export interface Measurement {
  name: string;
  /** What was measured, in a sentence with the figures. */
  summary: string;
  /** Figures with their samples and intervals (asoc-lab compare checks those with a tolerance). */
  figures?: Figure[];
  /** The seeds of its random draws, by what they seeded (the report lists them all). */
  seeds?: Record<string, number | string>;
  data: unknown;
}

export interface InstrumentContext {
  /** verify --quick: the short settings CI runs (minutes), not the full ones. */
  quick: boolean;
  /** Where the report and side files (the calibration) go. */
  out: string;
  /** --calibration FILE: a calibration to use instead of measuring one. */
  calibrationFile?: string;
  /** A line for the log (stdout). */
  log(line: string): void;
  /** How far this instrument is (0…1) and what it is doing, for the progress bar. */
  progress(fraction: number, label: string): void;
}

export interface InstrumentOutcome {
  claims: ClaimResult[];
  measurements: Measurement[];
  /** Observations that differ from what the lab's own files expect (verify then exits 1). */
  mismatches?: string[];
}

export interface Instrument {
  /** Short name, as `--skip` takes it. */
  name: string;
  /** What the progress bar and log call this step. */
  title: string;
  /** The claims it decides (a later instrument's verdict replaces an earlier one's for the same id). */
  claims: readonly string[];
  /** Older flag that skips it (e.g. 'no-threats'). */
  skipFlag?: string;
  run(ctx: InstrumentContext): Promise<InstrumentOutcome>;
}
