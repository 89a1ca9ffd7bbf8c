/** AES-GCM (128 or 256 by key length) on WebCrypto, ciphertext || 16-byte tag. */
import { source, subtle } from "./bytes.js";

const TAG_LENGTH = 16;
const NONCE_LENGTH = 12;

function check(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== 16 && key.length !== 32)
    throw new RangeError(`AES-GCM key must be 16 or 32 bytes, got ${key.length}`);
  if (nonce.length !== NONCE_LENGTH)
    throw new RangeError(`AES-GCM nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
}

// MLS keys are used once each (RFC 9420 §9.1: one per generation), so there is nothing to cache.
function importAesKey(key: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  return subtle().importKey("raw", source(key), "AES-GCM", false, [usage]);
}

export async function aesGcmSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  check(key, nonce);
  const params: AesGcmParams = { name: "AES-GCM", iv: source(nonce), tagLength: TAG_LENGTH * 8 };
  if (aad.length > 0) params.additionalData = source(aad);
  return new Uint8Array(
    await subtle().encrypt(params, await importAesKey(key, "encrypt"), source(plaintext)),
  );
}

/** Rejects when the tag does not verify. */
export async function aesGcmOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  check(key, nonce);
  if (ciphertext.length < TAG_LENGTH) throw new RangeError("AES-GCM ciphertext shorter than its tag");
  const params: AesGcmParams = { name: "AES-GCM", iv: source(nonce), tagLength: TAG_LENGTH * 8 };
  if (aad.length > 0) params.additionalData = source(aad);
  return new Uint8Array(
    await subtle().decrypt(params, await importAesKey(key, "decrypt"), source(ciphertext)),
  );
}
