/** Ed25519 verification of device signatures, on node:crypto. The hub stores public keys only. */
import { createHash, createPublicKey, verify } from "node:crypto";
import { deviceIdFromKeyDigest } from "@switchboard/protocol";

export function isEd25519PublicKey(key: Uint8Array): boolean {
  return key.length === 32;
}

export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isEd25519PublicKey(publicKey) || signature.length !== 64) return false;
  try {
    // JWK, not DER: on Node 20 / OpenSSL 3 the DER import was half of the cost
    // of a login under a reconnect storm (bench/WORKLOADS-offline.md).
    const x = Buffer.from(publicKey).toString("base64url");
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

export function deviceIdOf(publicKey: Uint8Array): string {
  return deviceIdFromKeyDigest(new Uint8Array(createHash("sha256").update(publicKey).digest()));
}
