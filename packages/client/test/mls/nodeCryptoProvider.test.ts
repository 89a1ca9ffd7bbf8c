import { getCiphersuiteFromName } from "ts-mls";
import { describe, expect, it } from "vitest";
import { KeyCache } from "../../src/crypto/keyCache.js";
import { aesGcmOpen, aesGcmSeal } from "../../src/crypto/nodeAesGcm.js";
import { NODE_CIPHERSUITE, nodeCryptoProvider } from "../../src/crypto/nodeCryptoProvider.js";
import { ed25519PublicKey } from "../../src/crypto/nodeEd25519.js";
import { sealWithEphemeral } from "../../src/crypto/nodeHpke.js";
import { privateKeyFromRaw, publicKeyFromRaw, rawPublicKey } from "../../src/crypto/okpKeys.js";
import { createPublicKey, diffieHellman } from "node:crypto";
import { describeCryptoProviderContract, hex, toHexString } from "./cryptoProviderContract.js";

const impl = await nodeCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(NODE_CIPHERSUITE));

describeCryptoProviderContract("node:crypto", {
  impl: async () => impl,
  sealWithEphemeral: async (...args) => sealWithEphemeral(...args),
});

it("derives the Ed25519 public key of a seed (RFC 8032 §7.1 test 1)", () => {
  expect(
    toHexString(ed25519PublicKey(hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))),
  ).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
});

describe("X25519 raw key import (RFC 7748 §6.1)", () => {
  it("derives the RFC public keys and shared secret from raw private keys", () => {
    const alice = privateKeyFromRaw(
      "X25519",
      hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
    );
    const bob = privateKeyFromRaw(
      "X25519",
      hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"),
    );
    expect(toHexString(rawPublicKey(createPublicKey(alice)))).toBe(
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
    );
    const bobPublic = publicKeyFromRaw(
      "X25519",
      hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"),
    );
    expect(toHexString(rawPublicKey(createPublicKey(bob)))).toBe(toHexString(rawPublicKey(bobPublic)));
    expect(diffieHellman({ privateKey: alice, publicKey: bobPublic }).toString("hex")).toBe(
      "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
    );
    expect(() => privateKeyFromRaw("X25519", new Uint8Array(31))).toThrow(RangeError);
  });
});

describe("AES-GCM helpers", () => {
  it("refuse short ciphertexts and wrong key lengths synchronously", () => {
    const nonce = hex("03".repeat(12));
    expect(() => aesGcmOpen(hex("02".repeat(16)), nonce, new Uint8Array(0), new Uint8Array(15))).toThrow(
      RangeError,
    );
    expect(() => aesGcmSeal(new Uint8Array(15), nonce, new Uint8Array(0), new Uint8Array(0))).toThrow(
      RangeError,
    );
  });
});

describe("provider", () => {
  it("serves suite 1 itself and hands other suites to ts-mls's default", async () => {
    expect(impl.name).toBe(NODE_CIPHERSUITE);
    const other = await nodeCryptoProvider.getCiphersuiteImpl(
      getCiphersuiteFromName("MLS_128_DHKEMP256_AES128GCM_SHA256_P256"),
    );
    expect(other.name).toBe("MLS_128_DHKEMP256_AES128GCM_SHA256_P256");
    expect(other.hpke).not.toBe(impl.hpke);
  });

  it("the key cache stays bounded and keeps recent entries", () => {
    const cache = new KeyCache<number>(2);
    let made = 0;
    const make = () => ++made;
    cache.get("a", make);
    cache.get("b", make);
    cache.get("a", make); // a is now most recent
    cache.get("c", make); // evicts b
    expect(cache.size).toBe(2);
    cache.get("a", make);
    expect(made).toBe(3);
    cache.get("b", make);
    expect(made).toBe(4);
  });
});
