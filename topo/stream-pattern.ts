/** The bytes a topology's sender streams: `total` bytes of one fixed pattern, in `chunk`-sized pieces. */

export function* patternChunks(total: number, chunk: number): Generator<Uint8Array> {
  const pattern = Uint8Array.from({ length: Math.min(chunk, total) }, (_, i) => (i * 131 + 7) & 0xff);
  for (let sent = 0; sent < total; sent += pattern.length) yield sent + pattern.length <= total ? pattern : pattern.subarray(0, total - sent);
}
