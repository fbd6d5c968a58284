/**
 * The echo side of the latency and CPU benches, in its own process: serves one baseline in the echo
 * role on 127.0.0.1 and answers the parent over IPC (bench/echo-server.ts). Exits when the parent
 * disconnects.
 */
import { baselineByName } from '../src/baselines/index.ts';
import type { EchoChildReply, EchoChildRequest } from './echo-server.ts';

const reply = (message: EchoChildReply): void => {
  process.send?.(message);
};

const errors: string[] = [];
let close: (() => Promise<void>) | null = null;

process.on('message', (request: EchoChildRequest) => {
  if (request.type === 'serve') {
    baselineByName(request.protocol)
      .serve({ role: 'echo', secrets: request.secrets, onError: (err) => errors.push(err.message) })
      .then((server) => {
        close = () => server.close();
        reply({ type: 'listening', port: server.port });
      })
      .catch((err: Error) => reply({ type: 'failed', message: err.message }));
  } else if (request.type === 'cpu') {
    const usage = process.cpuUsage();
    reply({ type: 'cpu', userUs: usage.user, systemUs: usage.system, errors: errors.splice(0) });
  }
});

process.once('disconnect', () => {
  void (close?.() ?? Promise.resolve()).finally(() => process.exit(0));
});
