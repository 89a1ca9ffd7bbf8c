/**
 * A ts-mls CryptoProvider on WebCrypto for Switchboard's ciphersuite,
 * MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (RFC 9420 §17.1, id 1): the
 * browser's counterpart of nodeCryptoProvider.ts. Chromium has native
 * Ed25519 and X25519; ts-mls's default provider re-imports every key on every
 * call, this one imports a key once and keeps the CryptoKey. Other
 * ciphersuites fall through to ts-mls's default provider.
 */
import type { CryptoProvider, Rng } from "ts-mls";
import { SUITE_ONE, suiteOneProvider } from "./suiteOne.js";
import { randomBytes } from "./web/bytes.js";
import { webEd25519 } from "./web/webEd25519.js";
import { webX25519Hpke } from "./web/webHpke.js";
import { webHkdfSha256, webSha256 } from "./web/webSha256.js";

export const WEB_CIPHERSUITE = SUITE_ONE;

const webRng: Rng = { randomBytes };

export const webCryptoProvider: CryptoProvider = suiteOneProvider({
  hash: webSha256,
  kdf: webHkdfSha256,
  signature: webEd25519,
  hpke: webX25519Hpke,
  rng: webRng,
});
