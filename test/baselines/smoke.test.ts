import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { BASELINES, baselineByName, runSecrets } from '../../src/baselines/index.ts';
import { selfSignedLoopbackCertificate } from '../../src/baselines/tls-cert.ts';
import type { Baseline, ServerSession, TransferSink } from '../../src/baselines/types.ts';
import { runThroughputBench } from '../../bench/throughput.ts';
import { throughputReportSchema } from '../../bench/throughput-schema.ts';

const KiB = 1024;
const secrets = runSecrets();
/** Protocols with no session setup of their own above TCP. */
const NO_SETUP = new Set(['raw-tcp', 'http1']);
/**
 * Frames of 14-byte header + payload: v1 HELLO 36 / ACCEPT 16; hardened HELLO 53, FINISH 16 / ACCEPT 49
 * (docs/asoc-hardened.md); stt HELLO 104, AUTH_PROOF 32 / RESPONSE 152, FINAL 8 sealed + 17 (docs/stt.md);
 * subduction CHALLENGE 166 / RESPONSE 147 with a timestamp of this century (docs/subduction.md).
 */
const HARDENED_SETUP = { clientToServer: 14 + 53 + 14 + 16, serverToClient: 14 + 49 };
const EXACT_SETUP: Record<string, { clientToServer: number; serverToClient: number }> = {
  'asoc-v1': { clientToServer: 14 + 36, serverToClient: 14 + 16 },
  'asoc-hardened': HARDENED_SETUP,
  'asoc-hardened/encrypted': HARDENED_SETUP,
  stt: { clientToServer: 14 + 104 + 14 + 32, serverToClient: 14 + 152 + 14 + 8 + 17 },
  subduction: { clientToServer: 14 + 166, serverToClient: 14 + 147 },
};

/** A sink that hashes one transfer and settles when it ends. */
function hashingSink(): { sink: () => TransferSink; result: Promise<{ bytes: number; sha256: string }> } {
  let settle!: (r: { bytes: number; sha256: string }) => void;
  const result = new Promise<{ bytes: number; sha256: string }>((resolve) => (settle = resolve));
  return {
    result,
    sink() {
      const hash = createHash('sha256');
      let bytes = 0;
      return {
        data: (piece) => {
          bytes += piece.length;
          hash.update(piece);
        },
        end: () => settle({ bytes, sha256: hash.digest('hex') }),
      };
    },
  };
}

/** 40 chunks of 13 KiB, each different (a chunk dropped, repeated or reordered changes the hash). */
function transfer(): { chunks: Uint8Array[]; sha256: string; bytes: number } {
  const chunks = Array.from({ length: 40 }, () => new Uint8Array(randomBytes(13 * KiB)));
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return { chunks, sha256: hash.digest('hex'), bytes: 40 * 13 * KiB };
}

async function checkTransfers(baseline: Baseline): Promise<void> {
  const forward = hashingSink();
  const sessions: ServerSession[] = [];
  const errors: Error[] = [];
  const server = await baseline.serve({ role: 'sink', secrets, sink: forward.sink, onSession: (s) => sessions.push(s), onError: (e) => errors.push(e) });
  const reverse = hashingSink();
  const client = await baseline.connect(server.port, { role: 'sink', secrets, sink: reverse.sink, onError: (e) => errors.push(e) });
  try {
    // Where the client's handshake ends first (asoc-hardened's FINISH), data sent at once would be
    // counted with the setup: wait for the server's session, as the throughput bench does.
    for (let i = 0; i < 200 && sessions.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const [session] = sessions;
    assert.ok(session, `${baseline.name}: the server reported its session`);
    const expected = EXACT_SETUP[baseline.name];
    if (expected) assert.deepEqual(session.setup, expected, `${baseline.name}: setup bytes`);
    else if (NO_SETUP.has(baseline.name)) assert.deepEqual(session.setup, { clientToServer: 0, serverToClient: 0 }, `${baseline.name}: no setup bytes`);
    else assert.ok(session.setup.clientToServer > 0 && session.setup.serverToClient > 0, `${baseline.name}: setup bytes both ways, got ${JSON.stringify(session.setup)}`);
    const sent = transfer();
    await client.send(sent.chunks);
    assert.deepEqual(await forward.result, { bytes: sent.bytes, sha256: sent.sha256 }, `${baseline.name}: forward transfer`);
    if (baseline.serverSends && baseline.name !== 'raw-tcp') {
      // raw TCP's one transfer per direction ended its server's side with the client's FIN; its reverse runs are in the bench test.
      const back = transfer();
      await session.send(back.chunks);
      assert.deepEqual(await reverse.result, { bytes: back.bytes, sha256: back.sha256 }, `${baseline.name}: reverse transfer`);
    } else if (!baseline.serverSends) {
      await assert.rejects(session.send([new Uint8Array(1)]), { name: 'UnsupportedError' });
    }
    assert.deepEqual(errors, []);
  } finally {
    await client.close();
    await server.close();
  }
}

async function checkEcho(baseline: Baseline): Promise<void> {
  const server = await baseline.serve({ role: 'echo', secrets });
  const client = await baseline.connect(server.port, { role: 'echo', secrets });
  try {
    const small = new Uint8Array(randomBytes(KiB));
    const large = new Uint8Array(randomBytes(100 * KiB));
    // Overlapping requests: replies come back in order, each intact.
    const [a, b] = await Promise.all([client.echo(small), client.echo(large)]);
    assert.deepEqual(Buffer.from(a), Buffer.from(small), `${baseline.name}: 1 KiB echo`);
    assert.deepEqual(Buffer.from(b), Buffer.from(large), `${baseline.name}: 100 KiB echo`);
  } finally {
    await client.close();
    await server.close();
  }
}

for (const baseline of BASELINES) {
  test(`${baseline.name}: a transfer arrives intact both ways it can go, setup bytes counted, echo intact, clean close`, async () => {
    await checkTransfers(baseline);
    await checkEcho(baseline);
  });
}

test('asoc-v1/tls: a client that trusts another certificate does not connect', async () => {
  const tls = baselineByName('asoc-v1/tls');
  const server = await tls.serve({ role: 'echo', secrets });
  try {
    const stranger = { ...secrets, tls: selfSignedLoopbackCertificate('someone else') };
    // The node keeps redialing; its error names why the dials failed: the certificate.
    await assert.rejects(tls.connect(server.port, { role: 'echo', secrets: stranger, timeoutMs: 1_500 }), /no matching peer.*(certificate|self-signed)/i);
  } finally {
    await server.close();
  }
});

test('self-signed certificate: names 127.0.0.1, valid now, signed by its own key', async () => {
  const { X509Certificate, createPrivateKey, createPublicKey } = await import('node:crypto');
  const { cert, key } = selfSignedLoopbackCertificate();
  const x509 = new X509Certificate(cert);
  assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
  assert.ok(new Date(x509.validFrom) < new Date() && new Date() < new Date(x509.validTo));
  assert.ok(x509.verify(createPublicKey(createPrivateKey(key))));
  assert.ok(x509.checkPrivateKey(createPrivateKey(key)));
});

test('throughput bench over every baseline: 1 MiB each, verified, JSON valid against its schema', async () => {
  const protocols = BASELINES.map((b) => b.name);
  const report = await runThroughputBench({ protocols, totalBytes: 1024 * KiB, chunkSize: 64 * KiB, runs: 1, runTimeoutMs: 10_000 });
  throughputReportSchema.parse(JSON.parse(JSON.stringify(report)));
  assert.deepEqual(Object.keys(report.summary), protocols);
  for (const run of report.runs) assert.ok(run.verified && run.bytes === 1024 * KiB, `${run.protocol} run ${run.run}`);
  for (const p of protocols.filter((name) => name !== 'raw-tcp')) assert.equal(typeof report.ratios[`${p}/raw-tcp`], 'number', p);
});
