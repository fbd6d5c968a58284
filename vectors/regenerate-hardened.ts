/**
 * Rewrites vectors/asoc-hardened.json from the lab's core (src/vectors/hardened-vectors.ts). Run it
 * only when the hardened wire changes on purpose, and say so in the commit:
 *   npx tsx vectors/regenerate-hardened.ts
 */
import { writeFileSync } from 'node:fs';
import { nodeBackend } from '../src/crypto/backend.ts';
import { HARDENED_VECTORS_FILE, computeHardenedVectors } from '../src/vectors/hardened-vectors.ts';

writeFileSync(HARDENED_VECTORS_FILE, `${JSON.stringify(computeHardenedVectors(nodeBackend), null, 2)}\n`);
console.log(`wrote ${HARDENED_VECTORS_FILE}`);
