/**
 * Ed25519 (RFC 8032) signatures for ts-mls on node:crypto. Keys are parsed
 * into KeyObjects once and cached: ts-mls passes raw bytes on every call, and
 * re-importing per call (what its default provider does with WebCrypto) costs
 * more than the signature itself.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { Signature } from "ts-mls";
import { equalBytes } from "@switchboard/protocol";
import { KeyCache } from "./keyCache.js";
import { privateKeyFromRaw, publicKeyFromRaw, rawPrivateKey, rawPublicKey } from "./okpKeys.js";
import { asBuffer, bytesKey, plain } from "./plainBytes.js";

// ts-mls's default keygen hands out PKCS#8 (16-byte prefix + seed); ours and DeviceIdentity use the raw seed.
const PKCS8_LENGTH = 48;

// Members' keys: every message verifies its sender, every join verifies every leaf.
const publicKeys = new KeyCache<KeyObject>(4096);
// Signing keys are cached under a digest of the seed, so no copy of the seed
// lives on as an un-wipeable JS string.
const privateKeys = new KeyCache<KeyObject>(64);

function privateKeyObject(signKey: Uint8Array): KeyObject {
  if (signKey.length !== 32 && signKey.length !== PKCS8_LENGTH) {
    throw new RangeError(`Ed25519 private key must be a 32-byte seed, got ${signKey.length} bytes`);
  }
  const id = createHash("sha256").update(signKey).digest("base64");
  return privateKeys.get(id, () =>
    signKey.length === 32
      ? privateKeyFromRaw("Ed25519", signKey)
      : createPrivateKey({ key: asBuffer(signKey), format: "der", type: "pkcs8" }),
  );
}

/**
 * The KeyObject last used for a given key array, with a copy of the bytes it
 * was made from: ts-mls passes a sender's key as the same array (its leaf in
 * the ratchet tree) on every message, and a lookup by array costs less than
 * the string key the cache needs (issue 18). The bytes are compared, so an
 * array changed in place is never verified against its old key.
 */
const byArray = new WeakMap<Uint8Array, { bytes: Uint8Array; key: KeyObject }>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const hit = byArray.get(publicKey);
  if (hit !== undefined && equalBytes(hit.bytes, publicKey)) return hit.key;
  const key = publicKeys.get(bytesKey(publicKey), () => publicKeyFromRaw("Ed25519", publicKey));
  byArray.set(publicKey, { bytes: publicKey.slice(), key });
  return key;
}

/** The raw public key of a raw 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return rawPublicKey(createPublicKey(privateKeyObject(seed)));
}

export const nodeEd25519: Signature = {
  async sign(signKey, message) {
    return plain(sign(null, message, privateKeyObject(signKey)));
  },
  async verify(publicKey, message, signature) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      return verify(null, message, publicKeyObject(publicKey), signature);
    } catch {
      // A malformed public key is a failed verification, not a crash.
      return false;
    }
  },
  async keygen() {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    return { signKey: rawPrivateKey(privateKey), publicKey: rawPublicKey(publicKey) };
  },
};
