/**
 * Ed25519 (RFC 8032) for ts-mls on WebCrypto (native in Chromium and Node).
 * ts-mls passes raw key bytes on every call; importing them is what made its
 * default provider slow, so each key is imported once and the CryptoKey kept
 * (members' public keys: every message verifies its sender). Signing keys are
 * imported non-extractable and cached under a digest of the seed, so no copy
 * of the seed lives on as a map key.
 */
import type { Signature } from "ts-mls";
import { signingKeyOf } from "../../identity/signer.js";
import { KeyCache } from "../keyCache.js";
import { bytesKey, concatBytes, source, subtle } from "./bytes.js";

const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const PKCS8_LENGTH = PKCS8_PREFIX.length + 32;

const publicKeys = new KeyCache<Promise<CryptoKey>>(4096);
const privateKeys = new KeyCache<Promise<CryptoKey>>(64);

/** A non-extractable signing key from a 32-byte seed (or its PKCS#8 form). */
export function importEd25519SigningKey(signKey: Uint8Array, extractable = false): Promise<CryptoKey> {
  if (signKey.length !== 32 && signKey.length !== PKCS8_LENGTH) {
    throw new RangeError(`Ed25519 private key must be a 32-byte seed, got ${signKey.length} bytes`);
  }
  const pkcs8 = signKey.length === 32 ? concatBytes(PKCS8_PREFIX, signKey) : signKey.slice();
  return subtle()
    .importKey("pkcs8", source(pkcs8), { name: "Ed25519" }, extractable, ["sign"])
    .finally(() => pkcs8.fill(0));
}

async function signingKey(signKey: Uint8Array): Promise<CryptoKey> {
  // A handle for a protected identity key (identity/signer.ts): its bytes are not the seed.
  const protectedKey = signingKeyOf(signKey);
  if (protectedKey !== undefined) return protectedKey;
  if (signKey.length !== 32 && signKey.length !== PKCS8_LENGTH) {
    throw new RangeError(`Ed25519 private key must be a 32-byte seed, got ${signKey.length} bytes`);
  }
  const id = bytesKey(new Uint8Array(await subtle().digest("SHA-256", source(signKey))));
  return privateKeys.get(id, () => importEd25519SigningKey(signKey));
}

function verifyingKey(publicKey: Uint8Array): Promise<CryptoKey> {
  const raw = publicKey.slice();
  return publicKeys.get(bytesKey(raw), () =>
    subtle().importKey("raw", source(raw), { name: "Ed25519" }, false, ["verify"]),
  );
}

/** The raw public key of a 32-byte seed. */
export async function ed25519PublicKeyOf(seed: Uint8Array): Promise<Uint8Array> {
  const key = await importEd25519SigningKey(seed, true);
  const { x } = await subtle().exportKey("jwk", key);
  if (typeof x !== "string") throw new TypeError("not an OKP key");
  return fromBase64Url(x);
}

export function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export const webEd25519: Signature = {
  async sign(signKey, message) {
    return new Uint8Array(await subtle().sign("Ed25519", await signingKey(signKey), source(message)));
  },
  async verify(publicKey, message, signature) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      return await subtle().verify(
        "Ed25519",
        await verifyingKey(publicKey),
        source(signature),
        source(message),
      );
    } catch {
      // A malformed public key is a failed verification, not a crash.
      return false;
    }
  },
  async keygen() {
    const pair = await subtle().generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
    const pkcs8 = new Uint8Array(await subtle().exportKey("pkcs8", pair.privateKey));
    const signKey = pkcs8.slice(PKCS8_PREFIX.length);
    pkcs8.fill(0);
    return { signKey, publicKey: new Uint8Array(await subtle().exportKey("raw", pair.publicKey)) };
  },
};
