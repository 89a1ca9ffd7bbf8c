/** Ed25519 verification of device signatures, on node:crypto. The hub stores public keys only. */
import { createHash, createPublicKey, verify } from "node:crypto";
import { deviceIdFromKeyDigest } from "@switchboard/protocol";

// DER SubjectPublicKeyInfo prefix for a raw 32-byte Ed25519 key (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function isEd25519PublicKey(key: Uint8Array): boolean {
  return key.length === 32;
}

export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isEd25519PublicKey(publicKey) || signature.length !== 64) return false;
  try {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
      format: "der",
      type: "spki",
    });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

export function deviceIdOf(publicKey: Uint8Array): string {
  return deviceIdFromKeyDigest(new Uint8Array(createHash("sha256").update(publicKey).digest()));
}
