/** Assertion helpers for WireError. */
import assert from 'node:assert/strict';
import { WireError, type WireErrorCode } from '../../src/wire/errors.ts';

/** A validator for assert.throws: a WireError with exactly this code, nothing else. */
export function wireError(code: WireErrorCode): (err: unknown) => true {
  return (err) => {
    assert.ok(err instanceof WireError, `expected a WireError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}
