/**
 * The byte-exact vectors computed with the Python reference implementation (/work/shared/vectors).
 * Entries are parsed strictly: a field this schema does not know makes the parse fail.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const VECTORS_URL = new URL('../../../shared/vectors/asoc-v1.json', import.meta.url);

const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lower-case hex, whole bytes');
const u32 = z.number().int().min(0).max(0xffffffff);
const entries = <T extends z.ZodType>(entry: T) => z.array(entry).nonempty();

const VectorsSchema = z.object({
  frames: entries(z.strictObject({ type: z.number().int().min(0).max(0xff), stream_id: u32, seq: u32, payload: hex, encoded: hex })),
  hello: entries(z.strictObject({ api_key: z.string(), node_id: hex, challenge: u32, payload: hex, frame: hex })),
  accept: entries(z.strictObject({ api_key: z.string(), token: hex, payload: hex, frame: hex })),
  discovery: entries(
    z.strictObject({
      community: z.string(),
      api_key: z.string(),
      node_id: hex,
      port: z.number().int().min(0).max(0xffff),
      timestamp: u32,
      challenge: u32,
      message: hex,
    }),
  ),
  community_hash: entries(z.strictObject({ community: z.string(), hash: hex })),
});

export type Vectors = z.infer<typeof VectorsSchema>;
export type SectionName = keyof Vectors;
export const SECTION_NAMES = Object.keys(VectorsSchema.shape) as SectionName[];

/** Top-level keys that hold no vectors. */
export const NON_VECTOR_KEYS = ['description'];

export function readVectorsJson(): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(VECTORS_URL, 'utf8')));
}

export function parseVectors(raw: Record<string, unknown>): Vectors {
  return VectorsSchema.parse(raw);
}
