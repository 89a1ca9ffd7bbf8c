/** Protected identity keys (identity/signer.ts): a handle signs like the seed did, and the seed is gone. */
import { getCiphersuiteFromName } from "ts-mls";
import { describe, expect, it } from "vitest";
import { WEB_CIPHERSUITE, webCryptoProvider } from "../../../src/crypto/webCryptoProvider.js";
import { protectSigningKey, signEd25519, signingKeyOf } from "../../../src/identity/signer.js";
import { hex, toHexString } from "../../mls/cryptoProviderContract.js";

// RFC 8032 §7.1 test 1: Ed25519 is deterministic, so a handle must give exactly this signature.
const SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const SIGNATURE =
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

describe("protected signing key", () => {
  it("a handle signs to the RFC signature, through signEd25519 and through the MLS provider", async () => {
    const seed = hex(SEED);
    const handle = await protectSigningKey(seed);
    expect(toHexString(await signEd25519(handle, new Uint8Array(0)))).toBe(SIGNATURE);
    const impl = await webCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(WEB_CIPHERSUITE));
    expect(toHexString(await impl.signature.sign(handle, new Uint8Array(0)))).toBe(SIGNATURE);
  });

  it("the seed is wiped, the handle is not the seed, and the key cannot be exported", async () => {
    const seed = hex(SEED);
    const handle = await protectSigningKey(seed);
    expect(seed.every((b) => b === 0)).toBe(true);
    expect(toHexString(handle)).not.toBe(SEED);
    const key = signingKeyOf(handle)!;
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("pkcs8", key)).rejects.toThrow();
  });

  it("bytes that are no handle sign as a seed", async () => {
    expect(toHexString(await signEd25519(hex(SEED), new Uint8Array(0)))).toBe(SIGNATURE);
  });
});
