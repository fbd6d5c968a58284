/**
 * The sending child of bench/receive-path.ts: listens on loopback, tells the parent its port over
 * IPC, and on every connection writes the number of bytes given on its command line (1 MiB writes,
 * with backpressure) and ends it. Exits when the parent goes away.
 */
import net from 'node:net';

const totalBytes = Number(process.argv[2]);
const chunk = Buffer.alloc(1 << 20, 0x5a);

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  let sent = 0;
  const pump = (): void => {
    while (sent < totalBytes) {
      const piece = totalBytes - sent >= chunk.length ? chunk : chunk.subarray(0, totalBytes - sent);
      sent += piece.length;
      if (!socket.write(piece)) return void socket.once('drain', pump);
    }
    socket.end();
  };
  pump();
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as net.AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
