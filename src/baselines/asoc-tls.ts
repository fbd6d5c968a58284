/**
 * ASoc inside TLS 1.3 (node:tls), as RFC-0002 §9.2 recommends: the AsocNode's sockets are TLS
 * sockets, nothing else changes. The server presents the run's self-signed certificate for
 * 127.0.0.1 (tls-cert.ts); the client trusts exactly that certificate and checks the name.
 * TLS 1.3 only, node's default cipher suites (AES-GCM or ChaCha20-Poly1305, as OpenSSL chooses).
 */
import tls from 'node:tls';
import type { SocketTransport } from '../net/node.ts';
import { socketConnector } from '../net/net-transport.ts';
import type { BaselineSecrets } from './types.ts';

export function tlsTransport(secrets: BaselineSecrets): SocketTransport {
  const { cert, key } = secrets.tls;
  if (!cert || !key) throw new TypeError('TLS baselines need secrets.tls (a certificate and key: runSecrets() makes them)');
  return {
    connector: socketConnector((host, port) => tls.connect({ host, port, ca: [cert], minVersion: 'TLSv1.3' }), 'secureConnect'),
    createServer: (onSocket) => tls.createServer({ cert, key, minVersion: 'TLSv1.3' }, onSocket),
  };
}
