/**
 * A self-signed TLS certificate for 127.0.0.1, made at run time with node:crypto only.
 *
 * Why this way: node:crypto makes keys but not certificates, the run must not assume an `openssl`
 * binary, no well-kept X.509 library is among the dependencies, and committing a key (even a
 * test-only one) invites its reuse. An X.509 v3 certificate is a short, fixed DER structure, so
 * it is written here directly: ECDSA P-256 with SHA-256, CN "asoc-lab bench", a subjectAltName of
 * IP 127.0.0.1 (what the client checks the server's name against), valid from an hour ago for a day.
 * The key lives in memory for one run and never reaches disk.
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

export interface SelfSignedCertificate {
  cert: string;
  key: string;
}

// ---- DER -------------------------------------------------------------------------------------

function der(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : null;
  if (!length) throw new RangeError(`DER element of ${n} bytes: longer than this encoder handles`);
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

const sequence = (...items: Uint8Array[]) => der(0x30, ...items);
const set = (...items: Uint8Array[]) => der(0x31, ...items);
const oid = (bytes: number[]) => der(0x06, Buffer.from(bytes));
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const octets = (bytes: Uint8Array) => der(0x04, bytes);
const bits = (bytes: Uint8Array) => der(0x03, Buffer.from([0]), bytes);
const explicit = (n: number, item: Uint8Array) => der(0xa0 + n, item);

/** YYMMDDHHMMSSZ */
function utcTime(date: Date): Buffer {
  return der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`, 'ascii'));
}

const ECDSA_WITH_SHA256 = sequence(oid([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]));
const COMMON_NAME = [0x55, 0x04, 0x03];
const SUBJECT_ALT_NAME = [0x55, 0x1d, 0x11];
const IP_ADDRESS = 0x87; // [7] IMPLICIT OCTET STRING, in GeneralName
const HOUR_MS = 3_600_000;

function pem(label: string, body: Uint8Array): string {
  const lines = Buffer.from(body).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function selfSignedLoopbackCertificate(commonName = 'asoc-lab bench'): SelfSignedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, and no leading zero byte to strip
  const name = sequence(set(sequence(oid(COMMON_NAME), utf8(commonName))));
  const now = Date.now();
  const subjectAltName = sequence(oid(SUBJECT_ALT_NAME), octets(sequence(der(IP_ADDRESS, Buffer.from([127, 0, 0, 1])))));
  const tbs = sequence(
    explicit(0, der(0x02, Buffer.from([2]))), // version v3
    der(0x02, serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(utcTime(new Date(now - HOUR_MS)), utcTime(new Date(now + 24 * HOUR_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(subjectAltName)),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value, as X.509 wants it
  const cert = pem('CERTIFICATE', sequence(tbs, ECDSA_WITH_SHA256, bits(signature)));
  // Parsing it back is the check that the DER above is a certificate at all.
  if (!new X509Certificate(cert).verify(publicKey)) throw new Error('the self-signed certificate does not verify');
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
