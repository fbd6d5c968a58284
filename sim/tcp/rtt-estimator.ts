/**
 * The RFC 6298 retransmission timeout: SRTT and RTTVAR from RTT samples (alpha 1/8, beta 1/4, K 4),
 * RTO = SRTT + max(G, 4·RTTVAR) within [min, max], doubled on each expiry (exponential backoff) until a
 * new sample arrives. Callers follow Karn's rule: no samples from retransmitted segments.
 */
const CLOCK_GRANULARITY_MS = 1;

export class RttEstimator {
  private srtt = 0;
  private rttvar = 0;
  private base: number;
  private backoffFactor = 1;

  constructor(
    initialRtoMs: number,
    private readonly minRtoMs: number,
    private readonly maxRtoMs: number,
  ) {
    this.base = initialRtoMs;
  }

  /** Smoothed RTT in ms, or 0 before the first sample. */
  get smoothedRtt(): number {
    return this.srtt;
  }

  /** The current timeout, backoff included. */
  get rto(): number {
    return Math.min(this.base * this.backoffFactor, this.maxRtoMs);
  }

  sample(rttMs: number): void {
    if (this.srtt === 0) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs);
      this.srtt = 0.875 * this.srtt + 0.125 * rttMs;
    }
    const rto = this.srtt + Math.max(CLOCK_GRANULARITY_MS, 4 * this.rttvar);
    this.base = Math.min(Math.max(rto, this.minRtoMs), this.maxRtoMs);
    this.backoffFactor = 1;
  }

  /** The timer expired: double the timeout. */
  backoff(): void {
    if (this.base * this.backoffFactor < this.maxRtoMs) this.backoffFactor *= 2;
  }
}
