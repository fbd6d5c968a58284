/** A claim's verdict and the evidence that decided it. */
export type Verdict = 'HOLDS' | 'FAILS' | 'PARTIAL' | 'PENDING';

export interface ClaimResult {
  id: string;
  verdict: Verdict;
  /** One sentence a reader can check against the evidence. */
  summary: string;
  /** Figures and facts, machine-readable. */
  evidence: Record<string, unknown>;
}
