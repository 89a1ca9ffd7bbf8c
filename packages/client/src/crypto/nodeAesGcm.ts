/** AES-GCM (128 or 256 by key length) on node:crypto, ciphertext || 16-byte tag. */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { concatBytes, plain } from "./plainBytes.js";

const TAG_LENGTH = 16;
const NONCE_LENGTH = 12;

function algorithm(key: Uint8Array): "aes-128-gcm" | "aes-256-gcm" {
  if (key.length === 16) return "aes-128-gcm";
  if (key.length === 32) return "aes-256-gcm";
  throw new RangeError(`AES-GCM key must be 16 or 32 bytes, got ${key.length}`);
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== NONCE_LENGTH)
    throw new RangeError(`AES-GCM nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
}

export function aesGcmSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  checkNonce(nonce);
  const cipher = createCipheriv(algorithm(key), key, nonce, { authTagLength: TAG_LENGTH });
  if (aad.length > 0) cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const last = cipher.final();
  return concatBytes(body, last, cipher.getAuthTag());
}

/** Throws when the tag does not verify. */
export function aesGcmOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  checkNonce(nonce);
  if (ciphertext.length < TAG_LENGTH) throw new RangeError("AES-GCM ciphertext shorter than its tag");
  const decipher = createDecipheriv(algorithm(key), key, nonce, { authTagLength: TAG_LENGTH });
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_LENGTH));
  if (aad.length > 0) decipher.setAAD(aad);
  const body = decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_LENGTH));
  const last = decipher.final();
  return last.length === 0 ? plain(body) : concatBytes(body, last);
}
