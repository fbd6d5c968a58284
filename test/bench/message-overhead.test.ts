import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureMessageOverhead } from '../../bench/message-overhead.ts';
import { ssUnavailable } from '../../bench/tcp-segments.ts';
import { RECEIPT_SIZE } from '../../src/wire/control.ts';
import { HEADER_SIZE } from '../../src/wire/frame.ts';

const missing = await ssUnavailable();

test('bytes per message on TCP: raw TCP adds none; ASoc v1 adds a DATA and an END header and a receipt frame', { skip: missing ?? false }, async () => {
  const report = await measureMessageOverhead({ protocols: ['raw-tcp', 'asoc-v1'], messageBytes: 1024, messages: 20, warmupMessages: 2 });
  const [raw, asoc] = report.results;
  assert.ok(raw && asoc);
  assert.equal(raw.tcpPayloadBytes, 2 * 20 * 1024);
  assert.equal(raw.bytesPerMessage, 0);
  // Each echo crossing is one stream: DATA (header + message), END (header), and the receiver's delivery receipt (CONTROL frame).
  assert.equal(asoc.bytesPerMessage, 2 * HEADER_SIZE + HEADER_SIZE + RECEIPT_SIZE);
  assert.match(report.config.source, /ss -tin/);
});

test('bytes per message: an unknown protocol is refused before anything runs', { skip: missing ?? false }, async () => {
  await assert.rejects(measureMessageOverhead({ protocols: ['carrier-pigeon'] }), { name: 'UnknownBaselineError' });
});
