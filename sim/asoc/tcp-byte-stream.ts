/**
 * A connected simulated TCP socket as the shared drivers' byte stream (src/driver): writes take what
 * fits in the send buffer (by reference), the rest waits for onWritable.
 */
import type { ByteStream } from '../../src/driver/connection-driver.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';

export function tcpByteStream(socket: TcpSocket): ByteStream {
  return {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    // Writes are possible once the socket is connected and until it is closed or half-closed.
    get canWrite() {
      const state = socket.state;
      return state === 'ESTABLISHED' || state === 'CLOSE_WAIT';
    },
    get hasRoom() {
      return socket.writableBytes > 0;
    },
    get pendingBytes() {
      return socket.unacknowledgedBytes;
    },
    write: (pieces) => {
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i]!;
        const accepted = socket.write(piece);
        if (accepted < piece.length) return [piece.subarray(accepted), ...pieces.slice(i + 1)];
      }
      return null;
    },
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    attach: (events) => {
      socket.onData = events.data;
      socket.onWritable = events.writable;
      socket.onAcked = events.progress;
      socket.onEnd = () => events.ended('peer ended the connection');
      socket.onClose = (reason) => events.closed(`TCP connection closed (${reason})`);
    },
  };
}
