/** A progress bar on stderr for long benchmarks, only where someone watches it. */
import cliProgress from 'cli-progress';

/** True on an interactive terminal outside CI: the only place a progress bar belongs. */
export function showsProgress(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

export interface ProgressBar {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

export function progressBar(): ProgressBar {
  const bar = new cliProgress.SingleBar({ format: '{bar} {percentage}% | {label}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total, label) {
      if (!started) bar.start(total, done, { label });
      else bar.update(done, { label });
      started = true;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
