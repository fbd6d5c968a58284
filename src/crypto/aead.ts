/**
 * The one cipher interface the stt profile encrypts through (docs/stt.md §5): a key, a nonce, the
 * data to authenticate, the plaintext; out come the ciphertext and the tag together. STT's own
 * cipher (STC) is a separate, unpublished package that cannot be installed here and is no published
 * standard, so the profile runs a standard AEAD behind this interface; a faithful STC could be added
 * to AEADS and named by the profile without a change anywhere else.
 *
 * ChaCha20-Poly1305 (RFC 8439) from node:crypto (OpenSSL), and the same cipher from @noble/ciphers,
 * which the tests hold to the same bytes.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concatBytes } from '../wire/bytes.ts';

export interface Aead {
  readonly name: string;
  readonly keySize: number;
  readonly nonceSize: number;
  readonly tagSize: number;
  /** ciphertext ‖ tag. */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** The plaintext, or null when `sealed` (ciphertext ‖ tag) does not authenticate under this key, nonce and AAD. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}

const KEY_SIZE = 32;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;

export const nodeChaCha20Poly1305: Aead = {
  name: 'chacha20-poly1305',
  keySize: KEY_SIZE,
  nonceSize: NONCE_SIZE,
  tagSize: TAG_SIZE,
  seal(key, nonce, aad, plaintext) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
    cipher.setAAD(aad, { plaintextLength: plaintext.length });
    return concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
  },
  open(key, nonce, aad, sealed) {
    if (sealed.length < TAG_SIZE) return null;
    const ciphertext = sealed.subarray(0, sealed.length - TAG_SIZE);
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
    decipher.setAAD(aad, { plaintextLength: ciphertext.length });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
    try {
      return concatBytes(decipher.update(ciphertext), decipher.final());
    } catch {
      return null; // "Unsupported state or unable to authenticate data": the tag did not verify
    }
  },
};

export const nobleChaCha20Poly1305: Aead = {
  ...nodeChaCha20Poly1305,
  seal: (key, nonce, aad, plaintext) => chacha20poly1305(key, nonce, aad).encrypt(plaintext),
  open(key, nonce, aad, sealed) {
    if (sealed.length < TAG_SIZE) return null;
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(sealed);
    } catch {
      return null;
    }
  },
};

/** The ciphers a profile may name. */
export const AEADS = { 'chacha20-poly1305': nodeChaCha20Poly1305 } as const;
export type AeadName = keyof typeof AEADS;
