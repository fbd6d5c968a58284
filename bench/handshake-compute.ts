/**
 * The CPU side of a handshake alone, both peers in this process and no sockets: the lab's profiles'
 * (asoc-v1, asoc-hardened, stt, subduction) through the real connection core (a client and a server
 * AsocConnection pumped in memory until established), JWT's through its three steps (sign HELLO;
 * verify it and sign ACCEPT; verify ACCEPT). What the socket rate in bench/handshake.ts adds on top
 * is connection setup and each baseline's own objects.
 */
import { performance } from 'node:perf_hooks';
import { JWT_ALGORITHMS, jwtAccept, jwtCheckAccept, jwtHandshakeKeys, jwtHello } from '../src/baselines/jwt-handshake.ts';
import { AsocConnection } from '../src/core/connection.ts';
import { pumpUntilIdle } from '../src/core/memory-pair.ts';
import { ASOC_HARDENED, ASOC_HARDENED_X25519, ASOC_V1, STT, SUBDUCTION, type AsocProfile } from '../src/core/profile.ts';
import { nodeBackend } from '../src/crypto/backend.ts';
import { ReplayCache } from '../src/crypto/replay-cache.ts';
import { systemRandom } from '../src/net/system.ts';
import { fixedKey } from '../sim/asoc/cluster.ts';

export interface ComputeResult {
  name: string;
  handshakes: number;
  perSecond: number;
  /** Mean CPU-bound time of one handshake, both sides, µs. */
  meanUs: number;
}

const KEY = fixedKey('handshake-compute benchmark key');
/** Each side's own key, for kinds whose peers are known by one (subduction's Ed25519 seed); other kinds ignore it. */
const IDENTITY = { client: fixedKey('handshake-compute client identity'), server: fixedKey('handshake-compute server identity') };

function asocHandshake(profile: AsocProfile): () => Promise<void> {
  const common = { profile, crypto: nodeBackend, random: systemRandom, now: 0, apiKey: KEY };
  return async () => {
    const client = new AsocConnection({ ...common, role: 'client', nodeId: new Uint8Array(16).fill(1), identity: IDENTITY.client });
    const server = new AsocConnection({ ...common, role: 'server', nodeId: new Uint8Array(16).fill(2), identity: IDENTITY.server, helloReplay: profile.helloReplay ? new ReplayCache(profile.helloReplay) : undefined });
    pumpUntilIdle(client, server, 0);
    if (client.state !== 'established' || server.state !== 'established') throw new Error(`${profile.name}: the in-memory handshake did not complete`);
  };
}

async function jwtHandshakeSteps(alg: (typeof JWT_ALGORITHMS)[number]): Promise<() => Promise<void>> {
  const keys = await jwtHandshakeKeys(alg, KEY, 'bench');
  const now = Math.floor(Date.now() / 1000);
  return async () => {
    const { accept } = await jwtAccept(keys, 'server', await jwtHello(keys, 'client', now), now);
    await jwtCheckAccept(keys, 'client', accept, now);
  };
}

/** Every protocol whose handshake can run without sockets, each for at most `maxHandshakes` and `maxSeconds`. */
export async function measureHandshakeCompute(maxHandshakes: number, maxSeconds: number): Promise<ComputeResult[]> {
  const subjects: Array<[string, () => Promise<void>]> = [
    ...[ASOC_V1, ASOC_HARDENED, ASOC_HARDENED_X25519, STT, SUBDUCTION].map((profile): [string, () => Promise<void>] => [profile.name, asocHandshake(profile)]),
    ...(await Promise.all(JWT_ALGORITHMS.map(async (alg): Promise<[string, () => Promise<void>]> => [`jwt-${alg.toLowerCase()}`, await jwtHandshakeSteps(alg)]))),
  ];
  const results: ComputeResult[] = [];
  for (const [name, once] of subjects) {
    await once(); // warm-up, and a handshake that fails fails here
    let handshakes = 0;
    const start = performance.now();
    const deadline = start + maxSeconds * 1000;
    while (handshakes < maxHandshakes && performance.now() < deadline) {
      await once();
      handshakes++;
    }
    const seconds = (performance.now() - start) / 1000;
    results.push({ name, handshakes, perSecond: handshakes / seconds, meanUs: (seconds * 1e6) / handshakes });
  }
  return results;
}
