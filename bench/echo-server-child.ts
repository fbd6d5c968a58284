/**
 * The server side of the latency, CPU and HTTP benches, in its own process: serves one baseline on
 * 127.0.0.1 in the echo role, or in the sink role with a sink that counts what arrives, and answers
 * the parent over IPC (bench/echo-server.ts). Exits when the parent disconnects.
 */
import { baselineByName } from '../src/baselines/index.ts';
import type { EchoChildReply, EchoChildRequest } from './echo-server.ts';

const reply = (message: EchoChildReply): void => {
  process.send?.(message);
};

const errors: string[] = [];
const received = { bytes: 0, transfers: 0 };
/** A `cpu-after` request not yet answered: its reading is taken when this many transfers have ended. */
let readingAfter: number | null = null;

const replyCpu = (): void => {
  const usage = process.cpuUsage();
  reply({ type: 'cpu', userUs: usage.user, systemUs: usage.system, errors: errors.splice(0), received: { ...received } });
};

const countingSink = () => ({
  data: (piece: Uint8Array) => void (received.bytes += piece.length),
  end: () => {
    received.transfers++;
    if (readingAfter !== null && received.transfers >= readingAfter) {
      readingAfter = null;
      replyCpu();
    }
  },
});
let close: (() => Promise<void>) | null = null;

process.on('message', (request: EchoChildRequest) => {
  if (request.type === 'serve') {
    baselineByName(request.protocol)
      .serve({ role: request.role, secrets: request.secrets, sink: countingSink, onError: (err) => errors.push(err.message) })
      .then((server) => {
        close = () => server.close();
        reply({ type: 'listening', port: server.port });
      })
      .catch((err: Error) => reply({ type: 'failed', message: err.message }));
  } else if (request.type === 'cpu') replyCpu();
  else if (request.type === 'cpu-after') {
    if (received.transfers >= request.transfers) replyCpu();
    else readingAfter = request.transfers;
  }
});

process.once('disconnect', () => {
  void (close?.() ?? Promise.resolve()).finally(() => process.exit(0));
});
