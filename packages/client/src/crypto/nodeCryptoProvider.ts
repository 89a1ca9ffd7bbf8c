/**
 * A ts-mls CryptoProvider on node:crypto for the ciphersuite Switchboard uses,
 * MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (RFC 9420 §17.1, id 1).
 *
 * Why: ts-mls's default provider imports every key into WebCrypto on every
 * call (sign, verify, HMAC, AES), which dominates MLS cost. Here keys that are
 * reused (members' signature keys, tree HPKE keys, the device's own signing
 * key) are parsed once and cached, and the rest go straight to OpenSSL.
 * Other ciphersuites fall through to ts-mls's default provider.
 */
import { randomFillSync } from "node:crypto";
import type { CryptoProvider, Rng } from "ts-mls";
import { nodeEd25519 } from "./nodeEd25519.js";
import { nodeX25519Hpke } from "./nodeHpke.js";
import { nodeHkdfSha256, nodeSha256 } from "./nodeSha256.js";
import { SUITE_ONE, suiteOneProvider } from "./suiteOne.js";

export const NODE_CIPHERSUITE = SUITE_ONE;

const nodeRng: Rng = {
  randomBytes(n) {
    return randomFillSync(new Uint8Array(n));
  },
};

export const nodeCryptoProvider: CryptoProvider = suiteOneProvider({
  hash: nodeSha256,
  kdf: nodeHkdfSha256,
  signature: nodeEd25519,
  hpke: nodeX25519Hpke,
  rng: nodeRng,
});
