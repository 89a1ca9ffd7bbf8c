/**
 * KeyPackageRef (RFC 9420 §5.2): RefHash("MLS 1.0 KeyPackage Reference",
 * KeyPackage), the name a Welcome gives the package it consumes and the one
 * the SDK files its private halves under. Our ciphersuite's hash is SHA-256
 * (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519), so the hub computes it
 * with node:crypto from the stored bytes, without an MLS library.
 */
import { createHash } from "node:crypto";

const LABEL = new TextEncoder().encode("MLS 1.0 KeyPackage Reference");
/** An MLSMessage starts with version (2 bytes) and wire format (2 bytes); the KeyPackage follows. */
const MLS_MESSAGE_HEADER = 4;

/** RFC 9420 §2.1.2: the length prefix of opaque<V>. */
function varint(n: number): Uint8Array {
  if (n < 0x40) return Uint8Array.of(n);
  if (n < 0x4000) return Uint8Array.of(0x40 | (n >> 8), n & 0xff);
  return Uint8Array.of(0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

/** The ref of a key package as uploaded: a TLS-encoded MLSMessage(KeyPackage). */
export function keyPackageRef(message: Uint8Array): Uint8Array {
  const keyPackage = message.subarray(MLS_MESSAGE_HEADER);
  return createHash("sha256")
    .update(varint(LABEL.length))
    .update(LABEL)
    .update(varint(keyPackage.length))
    .update(keyPackage)
    .digest();
}
