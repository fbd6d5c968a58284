/**
 * Minor page faults of this process and of a child process, counted between two calls (Linux
 * /proc). The calibration records them per run: a receiver that faults in fresh pages for its
 * read buffers spends several times the CPU per byte of one that reuses them, and that, more than
 * the protocol, is what moves the measured receive cost from run to run.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Faults {
  /** This process (the sender in the throughput bench). */
  self: number | null;
  /** The child whose command line contains the marker (the receiver); null until it is found. */
  child: number | null;
}

/** Field 10 of /proc/PID/stat (minflt, the whole thread group), or null off Linux / once the process is gone. */
export function minorFaults(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[7]);
  } catch {
    return null;
  }
}

/** A child of this process whose command line contains `marker`, or null. */
export function findChild(marker: string): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** Counts faults from one take() to the next. */
export class FaultCounter {
  private child: number | null = null;
  private last: Faults;

  constructor(private readonly childMarker: string) {
    this.last = { self: minorFaults(process.pid), child: null };
  }

  /** Faults since the previous take (null for a side not counted over the whole span). */
  take(): Faults {
    const hadChild = this.child !== null;
    this.child ??= findChild(this.childMarker);
    const now = { self: minorFaults(process.pid), child: this.child === null ? null : minorFaults(this.child) };
    const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
    const result = { self: delta(now.self, this.last.self), child: hadChild ? delta(now.child, this.last.child) : null };
    this.last = now;
    return result;
  }
}
