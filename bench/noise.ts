/**
 * How quiet the machine was while something was measured: CPU time stolen by the hypervisor and
 * time spent on other work, from /proc/stat (Linux), and the load average before and after. A
 * figure measured on a busy or heavily-stolen machine says little about the protocol; the lab
 * reports this beside every loopback verdict and refuses to decide on a machine past its bounds.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** Jiffies since boot summed over all CPUs, from /proc/stat's first line. */
interface CpuTimes {
  total: number;
  idle: number;
  steal: number;
}

export interface NoiseReport {
  /** Share of all CPU time the hypervisor took (steal), over the interval; null off Linux. */
  stealFraction: number | null;
  /** Share of all CPU time that was busy (user, system, irq …, steal excluded); null off Linux. */
  busyFraction: number | null;
  /** 1-minute load average at the start and the end. */
  loadAverage: { start: number; end: number };
  cpus: number;
  seconds: number;
}

/** Parses /proc/stat's aggregate `cpu` line; null where there is none. */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  // user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

function readCpuTimes(): CpuTimes | null {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** Starts watching; the returned function ends the interval and reports it. */
export function watchNoise(now: () => number = () => performance.now()): () => NoiseReport {
  const startTimes = readCpuTimes();
  const startLoad = loadavg()[0]!;
  const started = now();
  return () => {
    const end = readCpuTimes();
    const elapsed = startTimes && end ? end.total - startTimes.total : 0;
    const share = (value: number) => (elapsed > 0 ? value / elapsed : null);
    return {
      stealFraction: startTimes && end ? share(end.steal - startTimes.steal) : null,
      busyFraction: startTimes && end ? share(elapsed - (end.idle - startTimes.idle) - (end.steal - startTimes.steal)) : null,
      loadAverage: { start: startLoad, end: loadavg()[0]! },
      cpus: availableParallelism(),
      seconds: (now() - started) / 1000,
    };
  };
}
