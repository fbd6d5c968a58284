/** Runs an asoc-lab command in a child and sends it SIGINT once its output shows a given line, as a user's Ctrl-C would. */
import { spawn } from 'node:child_process';

/** Starts `asoc-lab <args>` in `cwd`, interrupts it when its output first includes `when`; its exit code and everything it printed. */
export async function interruptWhen(args: readonly string[], when: string, cwd: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lab/cli.ts', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let interrupted = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (!interrupted && out.includes(when)) interrupted = child.kill('SIGINT');
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out };
}
