/**
 * The byte-exact ASoc v1 vectors computed with the public Python reference implementation
 * (vectors/asoc-v1.json; vectors/README.md says where they come from and how to recompute them).
 * The one way into that file for code and tests: a v1 codec that disagrees with them is wrong.
 * Entries are parsed strictly: a field this schema does not know makes the parse fail.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Inside the repository, beside its provenance and its regeneration script. */
export const REFERENCE_VECTORS_FILE = fileURLToPath(new URL('../../vectors/asoc-v1.json', import.meta.url));

/** The vectors file is missing, is not JSON, or does not have the expected shape. */
export class ReferenceVectorsError extends Error {
  override readonly name = 'ReferenceVectorsError';
}

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

export type ReferenceVectors = z.infer<typeof VectorsSchema>;
export type VectorSection = keyof ReferenceVectors;
export const VECTOR_SECTIONS = Object.keys(VectorsSchema.shape) as VectorSection[];

/** Top-level keys that hold no vectors. */
export const NON_VECTOR_KEYS = ['description'];

/** The file's top-level object, unchecked beyond being one (tests compare its keys with VECTOR_SECTIONS). */
export function readReferenceVectorsJson(file: string = REFERENCE_VECTORS_FILE): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ReferenceVectorsError(`cannot read the reference vectors at ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReferenceVectorsError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const parsed = z.record(z.string(), z.unknown()).safeParse(json);
  if (!parsed.success) throw new ReferenceVectorsError(`${file}: expected a JSON object at the top level`);
  return parsed.data;
}

export function parseReferenceVectors(raw: Record<string, unknown>, file: string = REFERENCE_VECTORS_FILE): ReferenceVectors {
  const parsed = VectorsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new ReferenceVectorsError(`${file} is not a valid vectors file: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function loadReferenceVectors(file: string = REFERENCE_VECTORS_FILE): ReferenceVectors {
  return parseReferenceVectors(readReferenceVectorsJson(file), file);
}
