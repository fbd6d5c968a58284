/**
 * What `asoc-lab verify` runs: instruments, each deciding a known set of claims. verify loops over
 * the registry (instruments.ts). Each instrument says, per claim it decides, how it decides it and
 * what its measurement reaches; the catalogue's "decided by" and verify's help are made from that.
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

/** What a measurement does measure of a claim, and what it does not: put into the claim's evidence. */
export interface InstrumentReach {
  /** Why the measurement is the claim's (or which part of it). */
  measures: string;
  /** What of the claim it does not touch, or where it stands in for something else. */
  doesNotMeasure: string;
}

/** How one instrument decides one claim. */
export interface ClaimDecision {
  /** What decides it, in words that follow "needs" (e.g. 'the latency bench, ping-pong at 1 KiB and 1 MiB'). */
  by: string;
  reach: InstrumentReach;
}

export interface Instrument {
  /** Short name, as `--skip` takes it. */
  name: string;
  /** What the progress bar and log call this step. */
  title: string;
  /** The claims it decides, by id (a later instrument's verdict replaces an earlier one's for the same id). */
  claims: Readonly<Record<string, ClaimDecision>>;
  /** Older flag that skips it (e.g. 'no-threats'). */
  skipFlag?: string;
  run(ctx: InstrumentContext): Promise<InstrumentOutcome>;
}

/** The claim with the reach of the instrument that decided it in its evidence (unchanged when the instrument does not list it). */
export function withReach(claim: ClaimResult, instrument: Pick<Instrument, 'claims'>): ClaimResult {
  const decision = instrument.claims[claim.id];
  return decision ? { ...claim, evidence: { ...claim.evidence, instrument: decision.reach } } : claim;
}
