/**
 * Reno congestion control with NewReno fast recovery (RFC 5681, RFC 6582), in bytes:
 * - slow start: cwnd grows by min(acked, MSS) per ACK until ssthresh;
 * - congestion avoidance: cwnd grows by MSS·MSS/cwnd per ACK (about one MSS per RTT);
 * - three duplicate ACKs: ssthresh = max(flight/2, 2·MSS), retransmit, cwnd = ssthresh + 3·MSS,
 *   inflated by one MSS per further duplicate; a partial ACK retransmits the next hole and stays in
 *   recovery; the ACK that covers `recover` ends it with cwnd = min(ssthresh, flight + MSS);
 * - timeout: ssthresh = max(flight/2, 2·MSS) (not lowered again on repeated timeouts), cwnd = 1 MSS.
 * The connection owns the sequence state and acts on what these methods return.
 */
export type DuplicateAckAction = 'none' | 'fast-retransmit' | 'inflate';

export class NewReno {
  cwnd: number;
  ssthresh = Infinity;
  private duplicates = 0;
  private recovering = false;
  /** Highest sequence sent when recovery (or the last timeout) began. */
  private recover = 0;

  constructor(
    private readonly mss: number,
    initialWindowSegments: number,
  ) {
    this.cwnd = initialWindowSegments * mss;
  }

  get inRecovery(): boolean {
    return this.recovering;
  }

  /**
   * New data acknowledged up to `ack`; `flight` is what stays outstanding after it. Returns true for a
   * partial ACK during recovery: the caller retransmits the first unacknowledged segment.
   */
  onNewAck(acked: number, ack: number, flight: number): boolean {
    this.duplicates = 0;
    if (this.recovering) {
      if (ack >= this.recover) {
        this.recovering = false;
        this.cwnd = Math.min(this.ssthresh, flight + this.mss);
        return false;
      }
      this.cwnd = Math.max(this.cwnd - acked + (acked >= this.mss ? this.mss : 0), this.mss);
      return true;
    }
    if (this.cwnd < this.ssthresh) this.cwnd += Math.min(acked, this.mss);
    else this.cwnd += (this.mss * this.mss) / this.cwnd;
    return false;
  }

  /** A duplicate ACK for `una` with `flight` bytes outstanding, `highestSent` the highest sequence sent. */
  onDuplicateAck(una: number, flight: number, highestSent: number): DuplicateAckAction {
    this.duplicates++;
    if (this.recovering) {
      this.cwnd += this.mss;
      return 'inflate';
    }
    // RFC 6582 §3.2 step 2: no new recovery for losses from before the last one (or the last timeout).
    if (this.duplicates !== 3 || una <= this.recover) return 'none';
    this.ssthresh = Math.max(flight / 2, 2 * this.mss);
    this.recover = highestSent;
    this.recovering = true;
    this.cwnd = this.ssthresh + 3 * this.mss;
    return 'fast-retransmit';
  }

  /** The retransmission timer expired; `firstExpiry` is false when it already expired for this data. */
  onTimeout(flight: number, highestSent: number, firstExpiry: boolean): void {
    if (firstExpiry) this.ssthresh = Math.max(flight / 2, 2 * this.mss);
    this.cwnd = this.mss;
    this.duplicates = 0;
    this.recovering = false;
    this.recover = highestSent;
  }
}
