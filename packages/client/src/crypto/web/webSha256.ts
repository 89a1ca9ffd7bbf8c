/**
 * SHA-256, HMAC-SHA256 and HKDF-SHA256 (RFC 5869) for ts-mls on WebCrypto.
 * MLS uses extract and expand separately (RFC 9420 §8), and WebCrypto's HKDF
 * is one-shot, so both are built on HMAC. An expand imports its PRK once and
 * reuses the CryptoKey for every block.
 */
import type { Hash, Kdf } from "ts-mls";
import { source, subtle } from "./bytes.js";

const HASH_LENGTH = 32;
// WebCrypto refuses an empty HMAC key; HMAC pads a short key with zeros, so
// HashLen zero bytes is the same key (and RFC 5869 §2.2's absent salt).
const ZERO_KEY = new Uint8Array(HASH_LENGTH);

export function importHmacKey(key: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey(
    "raw",
    source(key.length === 0 ? ZERO_KEY : key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

export async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign("HMAC", await importHmacKey(key), source(data)));
}

export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  return hmacSha256(salt, ikm);
}

export async function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  if (!Number.isInteger(length) || length < 0 || length > 255 * HASH_LENGTH) {
    throw new RangeError(`HKDF-SHA256 cannot expand to ${length} bytes`);
  }
  const key = await importHmacKey(prk);
  const out = new Uint8Array(length);
  const block = new Uint8Array(HASH_LENGTH + info.length + 1);
  let previousLength = 0;
  for (let offset = 0, i = 1; offset < length; i++, offset += HASH_LENGTH) {
    // T(i) = HMAC(PRK, T(i-1) || info || i)
    block.set(info, previousLength);
    block[previousLength + info.length] = i;
    const t = new Uint8Array(
      await subtle().sign("HMAC", key, source(block.subarray(0, previousLength + info.length + 1))),
    );
    out.set(t.subarray(0, Math.min(HASH_LENGTH, length - offset)), offset);
    block.set(t, 0);
    previousLength = HASH_LENGTH;
    t.fill(0);
  }
  block.fill(0);
  return out;
}

export const webSha256: Hash = {
  async digest(data) {
    return new Uint8Array(await subtle().digest("SHA-256", source(data)));
  },
  async mac(key, data) {
    return hmacSha256(key, data);
  },
  async verifyMac(key, mac, data) {
    // WebCrypto's verify compares in constant time and is false for a wrong length.
    return subtle().verify("HMAC", await importHmacKey(key), source(mac), source(data));
  },
};

export const webHkdfSha256: Kdf = {
  extract: hkdfExtract,
  expand: hkdfExpand,
  size: HASH_LENGTH,
};
