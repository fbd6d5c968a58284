/** What was wrong with bytes that did not decode. Every decoding failure in the lab is one of these. */
export type WireErrorCode =
  | 'bad-version' // frame header version is not the one this decoder speaks
  | 'frame-too-large' // header announces a payload above the configured maximum
  | 'bad-length' // a fixed-size message or payload has the wrong length
  | 'truncated' // fewer bytes than the message needs
  | 'bad-field' // a field value outside its range, or of the wrong type or size
  | 'bad-cbor' // not one well-formed CBOR item the strict decoder takes
  | 'not-canonical' // well-formed CBOR, but not the one canonical encoding of its value
  | 'bad-magic' // a signed envelope that does not start with its magic bytes
  | 'unknown-version'; // a signed envelope of a version this decoder does not speak

export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
