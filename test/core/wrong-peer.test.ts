/**
 * asoc-hardened names the node a client dials under HELLO's MAC and checks ACCEPT's node id
 * against it (the "wrong peer" finding): a HELLO meant for one node verifies at no other, and a
 * client refuses an answer from another node than the one it dials. v1 cannot: its ACCEPT names none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { handshakeKey } from '../../src/core/hardened-handshake.ts';
import { ASOC_HARDENED, ASOC_V1 } from '../../src/core/profile.ts';
import { concatBytes } from '../../src/wire/bytes.ts';
import { FrameType, HEADER_SIZE, encodeHeader } from '../../src/wire/frame.ts';
import { HANDSHAKE_MAC_SIZE, NONCE_SIZE, Suite, acceptMacInput, withMac } from '../../src/wire/hardened.ts';
import { CLIENT_ID, ConnectionPair, KEY, SERVER_ID, concat, drain, eventsOf } from '../support/pair.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';

const OTHER_ID = Uint8Array.from({ length: 16 }, (_, i) => 0xb0 + i);

function closes(events: ConnectionEvent[]): string[] {
  return eventsOf(events, 'closed').map((e) => e.reason);
}

test('a client pinned to the server it reaches is established; unpinned, any node with the key may answer', () => {
  for (const expectedPeer of [SERVER_ID, undefined]) {
    const pair = new ConnectionPair({ profile: ASOC_HARDENED, ...(expectedPeer ? { expectedPeer } : {}) });
    pair.handshake();
    assert.equal(pair.client.state, 'established');
    assert.equal(pair.server.state, 'established');
    assert.deepEqual(pair.client.peerNodeId, SERVER_ID);
  }
});

test('a HELLO meant for another node does not verify: the server closes it as a bad MAC, having shown nothing of the peer', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED, expectedPeer: OTHER_ID });
  pair.handshake();
  assert.deepEqual(closes(pair.serverEvents), ['auth-failed']);
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['bad-signature']);
  assert.equal(pair.server.peerEvidence, 'nothing');
  assert.equal(pair.client.state, 'handshaking', 'no ACCEPT came back');
});

test("a client refuses a valid ACCEPT from another node than the one it dials (an insider answering for it): wrong-peer", () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED, expectedPeer: SERVER_ID });
  const hello = concat(pair.client.pollTransmit()!).subarray(HEADER_SIZE);
  // What a holder of the key can always make: an ACCEPT bound to this HELLO, carrying its own node id.
  const macInput = acceptMacInput({ nodeId: OTHER_ID, nonce: new Uint8Array(NONCE_SIZE).fill(7), suite: Suite.INTEGRITY });
  const mac = nodeBackend.hmacSha256(handshakeKey(nodeBackend, KEY), concatBytes(new TextEncoder().encode('asoc-hardened/2 accept'), hello, macInput)).subarray(0, HANDSHAKE_MAC_SIZE);
  const accept = withMac(macInput, mac);
  pair.client.receive(concatBytes(encodeHeader(FrameType.ACCEPT, 0, 0, accept.length, ASOC_HARDENED.wireVersion), accept), 0);
  drain(pair.client, pair.clientEvents);
  assert.deepEqual(eventsOf(pair.clientEvents, 'auth-failed').map((e) => e.reason), ['wrong-peer']);
  assert.deepEqual(closes(pair.clientEvents), ['wrong-peer']);
  assert.match(eventsOf(pair.clientEvents, 'closed')[0]!.detail, /not from a0a1a2a3a4a5a6a7a8a9aaabacadaeaf, the node dialled/);
});

test('v1 cannot tell which node answered: a client expecting another node is established all the same', () => {
  const pair = new ConnectionPair({ profile: ASOC_V1, expectedPeer: OTHER_ID });
  pair.handshake();
  assert.equal(pair.client.state, 'established');
  assert.equal(pair.client.peerNodeId, null);
  assert.deepEqual(pair.server.peerNodeId, CLIENT_ID);
});
