/**
 * Switchboard's ciphersuite, MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
 * (RFC 9420 §17.1, id 1), and a ts-mls CryptoProvider that serves it with
 * primitives of our own (node:crypto or WebCrypto, keys imported once) and
 * leaves every other ciphersuite to ts-mls's default provider.
 */
import { defaultCryptoProvider } from "ts-mls";
import type { Ciphersuite, CiphersuiteImpl, CryptoProvider } from "ts-mls";

export const SUITE_ONE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

export type SuiteOnePrimitives = Omit<CiphersuiteImpl, "name">;

export function suiteOneProvider(primitives: SuiteOnePrimitives): CryptoProvider {
  const impl: CiphersuiteImpl = { ...primitives, name: SUITE_ONE };
  return {
    async getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
      if (
        cs.name === SUITE_ONE &&
        cs.hash === "SHA-256" &&
        cs.signature === "Ed25519" &&
        cs.hpke.kem === "DHKEM-X25519-HKDF-SHA256" &&
        cs.hpke.kdf === "HKDF-SHA256" &&
        cs.hpke.aead === "AES128GCM"
      ) {
        return impl;
      }
      return defaultCryptoProvider.getCiphersuiteImpl(cs);
    },
  };
}
