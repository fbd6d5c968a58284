/**
 * asoc-hardened's frozen vectors (vectors/asoc-hardened.json): the bytes each side of a hardened
 * connection puts on the wire for fixed keys, ids, nonces and clock, computed by the lab's own core.
 * Unlike the v1 vectors they come from no outside implementation; they freeze the wire, so a change
 * to it is deliberate (`npx tsx vectors/regenerate-hardened.ts` rewrites them, and says so in the
 * commit) and any other change to the bytes fails test/vectors/hardened-vectors.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CryptoBackend } from '../crypto/backend.ts';
import { ReplayCache } from '../crypto/replay-cache.ts';
import { AsocConnection } from '../core/connection.ts';
import { pumpUntilIdle } from '../core/memory-pair.ts';
import { ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED, ASOC_HARDENED_X25519, type AsocProfile } from '../core/profile.ts';
import type { RandomSource } from '../core/random.ts';
import { bytesToHex, concatBytes, hexToBytes } from '../wire/bytes.ts';

export const HARDENED_VECTORS_FILE = fileURLToPath(new URL('../../vectors/asoc-hardened.json', import.meta.url));

const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lower-case hex, whole bytes');

const CaseSchema = z.strictObject({
  profile: z.enum(['asoc-hardened', 'asoc-hardened/encrypted', 'asoc-hardened/x25519']),
  /** Whether the client names the server it dials (its node id under HELLO's MAC) or not (16 zero bytes). */
  pinned: z.boolean(),
  /** The client's stream on stream 1: a DATA frame of these bytes, then END; or, with `data_in_end`, END carrying them. */
  data: hex,
  data_in_end: z.boolean(),
  /** Every byte the client sent: HELLO, FINISH, DATA and END, or END alone. */
  client_wire: hex,
  /** Every byte the server sent: ACCEPT, then the delivery receipt for stream 1. */
  server_wire: hex,
  session_id: hex,
});

const VectorsSchema = z.strictObject({
  about: z.string(),
  inputs: z.strictObject({
    /** 64 hex digits: the 32-byte key. */
    api_key: hex,
    client_node_id: hex,
    server_node_id: hex,
    client_nonce: hex,
    server_nonce: hex,
    /** The forward-secret suite's ephemeral X25519 secrets, drawn after each side's nonce: RFC 7748 §6.1's (Alice's, Bob's). */
    client_ephemeral: hex,
    server_ephemeral: hex,
    /** The client's and the server's clock, Unix ms. */
    unix_ms: z.number().int().nonnegative(),
  }),
  cases: z.array(CaseSchema).nonempty(),
});

export type HardenedVectors = z.output<typeof VectorsSchema>;
export type HardenedVectorInputs = HardenedVectors['inputs'];

export const HARDENED_VECTOR_INPUTS: HardenedVectorInputs = {
  api_key: '8f2d6a1c9e4b7f3051a6c2d8e9b4f70312c5a7e9d1b3f5086a4c2e0d9b7f1e3a',
  client_node_id: '0102030405060708090a0b0c0d0e0f10',
  server_node_id: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf',
  client_nonce: '1111111111111111aaaaaaaaaaaaaaaa',
  server_nonce: '2222222222222222bbbbbbbbbbbbbbbb',
  client_ephemeral: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  server_ephemeral: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
  unix_ms: 1_767_225_600_000,
};

const HELLO_HARDENED = '68656c6c6f2c2068617264656e6564';

const CASES: readonly { profile: AsocProfile; pinned: boolean; data: string; data_in_end: boolean }[] = [
  { profile: ASOC_HARDENED, pinned: true, data: HELLO_HARDENED, data_in_end: false },
  { profile: ASOC_HARDENED, pinned: false, data: HELLO_HARDENED, data_in_end: false },
  { profile: ASOC_HARDENED_ENCRYPTED, pinned: true, data: HELLO_HARDENED, data_in_end: false },
  { profile: ASOC_HARDENED_X25519, pinned: true, data: HELLO_HARDENED, data_in_end: false },
  { profile: ASOC_HARDENED, pinned: true, data: HELLO_HARDENED, data_in_end: true },
  { profile: ASOC_HARDENED_ENCRYPTED, pinned: true, data: HELLO_HARDENED, data_in_end: true },
];

/** Hands out exactly `draws` (each a whole byte string), then refuses: the handshake draws nothing else. */
function scripted(...draws: string[]): RandomSource {
  const queue = draws.map(hexToBytes);
  return {
    bytes(n) {
      const next = queue.shift();
      if (next === undefined || next.length !== n) throw new Error(`the vectors script no draw of ${n} bytes here`);
      return next;
    },
    u32() {
      throw new Error('the hardened handshake draws no u32');
    },
  };
}

/** Runs each case through the real core with the fixed inputs and returns the bytes it sent. */
export function computeHardenedVectors(crypto: CryptoBackend, inputs: HardenedVectorInputs = HARDENED_VECTOR_INPUTS): HardenedVectors {
  const cases = CASES.map(({ profile, pinned, data, data_in_end }) => {
    const common = { profile, crypto, now: inputs.unix_ms, apiKey: hexToBytes(inputs.api_key) };
    const exchanges = profile === ASOC_HARDENED_X25519;
    const clientDraws = exchanges ? [inputs.client_nonce, inputs.client_ephemeral] : [inputs.client_nonce];
    const serverDraws = exchanges ? [inputs.server_nonce, inputs.server_ephemeral] : [inputs.server_nonce];
    const client = new AsocConnection({ ...common, role: 'client', nodeId: hexToBytes(inputs.client_node_id), random: scripted(...clientDraws), ...(pinned ? { expectedPeer: hexToBytes(inputs.server_node_id) } : {}) });
    const server = new AsocConnection({ ...common, role: 'server', nodeId: hexToBytes(inputs.server_node_id), random: scripted(...serverDraws), helloReplay: new ReplayCache(profile.helloReplay!) });
    const wire = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
    const pump = () => pumpUntilIdle(client, server, inputs.unix_ms, (from, bytes) => wire[from].push(bytes));
    pump();
    const stream = client.openStream();
    if (data_in_end) client.endStream(stream, inputs.unix_ms, hexToBytes(data));
    else {
      client.sendData(stream, hexToBytes(data), inputs.unix_ms);
      client.endStream(stream, inputs.unix_ms);
    }
    pump();
    if (client.state !== 'established' || server.state !== 'established') throw new Error(`${profile.name}: the vector handshake did not complete`);
    return {
      profile: profile.name as HardenedVectors['cases'][number]['profile'],
      pinned,
      data,
      data_in_end,
      client_wire: bytesToHex(concatBytes(...wire.client)),
      server_wire: bytesToHex(concatBytes(...wire.server)),
      session_id: bytesToHex(client.sessionToken!),
    };
  });
  return {
    about: 'asoc-hardened wire bytes for fixed inputs (docs/asoc-hardened.md), frozen: regenerate only on a deliberate change to the wire (npx tsx vectors/regenerate-hardened.ts)',
    inputs,
    cases: cases as HardenedVectors['cases'],
  };
}

export function readHardenedVectors(file = HARDENED_VECTORS_FILE): HardenedVectors {
  return VectorsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
