/**
 * Known-answer tests every CryptoProvider for ciphersuite 1 must pass: the
 * node:crypto one and the WebCrypto one, in Node (nodeCryptoProvider.test.ts,
 * webCryptoProvider.test.ts) and the WebCrypto one again in Chromium
 * (test/browser). Only `impl` is used, so nothing here needs Node.
 */
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256, Aes128Gcm } from "@hpke/core";
import type { CiphersuiteImpl } from "ts-mls";
import { CryptoError } from "ts-mls/mlsError.js";
import { beforeAll, describe, expect, it } from "vitest";

export interface ProviderUnderTest {
  impl: () => Promise<CiphersuiteImpl>;
  /** Single-shot HPKE seal with a given ephemeral secret (RFC 9180 vectors). */
  sealWithEphemeral: (
    recipientPublic: Uint8Array,
    ephemeralSecret: Uint8Array,
    info: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
  ) => Promise<{ enc: Uint8Array; ct: Uint8Array }>;
}

export function hex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHexString(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const ab = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

export function describeCryptoProviderContract(name: string, provider: ProviderUnderTest): void {
  describe(`CryptoProvider contract: ${name}`, () => {
    let impl: CiphersuiteImpl;
    beforeAll(async () => {
      impl = await provider.impl();
    });

    describe("Ed25519 (RFC 8032 §7.1 test 1)", () => {
      const seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
      const pub = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
      const sig = hex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
      );

      it("signs the empty message to the RFC signature, and verifies it", async () => {
        expect(toHexString(await impl.signature.sign(seed, new Uint8Array(0)))).toBe(toHexString(sig));
        expect(await impl.signature.verify(pub, new Uint8Array(0), sig)).toBe(true);
      });

      it("rejects a changed message, a changed signature and junk keys without throwing", async () => {
        expect(await impl.signature.verify(pub, Uint8Array.of(0), sig)).toBe(false);
        const bad = sig.slice();
        bad[0]! ^= 1;
        expect(await impl.signature.verify(pub, new Uint8Array(0), bad)).toBe(false);
        expect(await impl.signature.verify(new Uint8Array(31), new Uint8Array(0), sig)).toBe(false);
        expect(await impl.signature.verify(pub, new Uint8Array(0), sig.subarray(1))).toBe(false);
        await expect(impl.signature.sign(new Uint8Array(31), new Uint8Array(0))).rejects.toThrow(RangeError);
      });

      it("keygen makes a working pair", async () => {
        const { signKey, publicKey } = await impl.signature.keygen();
        expect(signKey.length).toBe(32);
        const message = new TextEncoder().encode("hello");
        const signature = await impl.signature.sign(signKey, message);
        expect(await impl.signature.verify(publicKey, message, signature)).toBe(true);
      });
    });

    describe("SHA-256, HMAC, HKDF", () => {
      it("hashes 'abc' (FIPS 180-2)", async () => {
        expect(toHexString(await impl.hash.digest(new TextEncoder().encode("abc")))).toBe(
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        );
      });

      it("matches RFC 5869 test cases 1 and 3 (empty salt and info)", async () => {
        const prk = await impl.kdf.extract(hex("000102030405060708090a0b0c"), hex("0b".repeat(22)));
        expect(toHexString(prk)).toBe("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        const okm = await impl.kdf.expand(prk, hex("f0f1f2f3f4f5f6f7f8f9"), 42);
        expect(toHexString(okm)).toBe(
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        );
        const prk3 = await impl.kdf.extract(new Uint8Array(0), hex("0b".repeat(22)));
        expect(toHexString(prk3)).toBe("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
        expect(toHexString(await impl.kdf.expand(prk3, new Uint8Array(0), 42))).toBe(
          "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        );
        expect(impl.kdf.size).toBe(32);
      });

      it("verifies only the right MAC", async () => {
        const key = hex("01".repeat(32));
        const mac = await impl.hash.mac(key, Uint8Array.of(1, 2, 3));
        expect(await impl.hash.verifyMac(key, mac, Uint8Array.of(1, 2, 3))).toBe(true);
        expect(await impl.hash.verifyMac(key, mac, Uint8Array.of(1, 2, 4))).toBe(false);
        expect(await impl.hash.verifyMac(key, mac.subarray(1), Uint8Array.of(1, 2, 3))).toBe(false);
      });

      it("refuses impossible HKDF lengths", async () => {
        await expect(impl.kdf.expand(new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).rejects.toThrow(
          RangeError,
        );
      });
    });

    describe("AES-128-GCM", () => {
      it("matches the GCM spec test case 2 (zero key, nonce, block)", async () => {
        const ct = await impl.hpke.encryptAead(
          new Uint8Array(16),
          new Uint8Array(12),
          undefined,
          new Uint8Array(16),
        );
        expect(toHexString(ct)).toBe("0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf");
      });

      it("round-trips with AAD and fails on any change", async () => {
        const key = hex("02".repeat(16));
        const nonce = hex("03".repeat(12));
        const ct = await impl.hpke.encryptAead(key, nonce, Uint8Array.of(9), Uint8Array.of(1, 2, 3));
        expect(Array.from(await impl.hpke.decryptAead(key, nonce, Uint8Array.of(9), ct))).toEqual([1, 2, 3]);
        await expect(impl.hpke.decryptAead(key, nonce, Uint8Array.of(8), ct)).rejects.toThrow(CryptoError);
        const flipped = ct.slice();
        flipped[0]! ^= 1;
        await expect(impl.hpke.decryptAead(key, nonce, Uint8Array.of(9), flipped)).rejects.toThrow(
          CryptoError,
        );
        await expect(impl.hpke.decryptAead(key, nonce, undefined, new Uint8Array(15))).rejects.toThrow(
          CryptoError,
        );
      });
    });

    describe("HPKE DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM (RFC 9180 A.1.1)", () => {
      const info = hex("4f6465206f6e2061204772656369616e2055726e");
      const ikmE = hex("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234");
      const ikmR = hex("6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037");
      const skEm = hex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
      const pkEm = hex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
      const skRm = hex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
      const pkRm = hex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
      const pt = hex("4265617574792069732074727574682c20747275746820626561757479");
      const aad0 = hex("436f756e742d30");
      const ct0 = hex(
        "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
      );

      it("derives the RFC key pairs", async () => {
        for (const [ikm, sk, pk] of [
          [ikmE, skEm, pkEm],
          [ikmR, skRm, pkRm],
        ] as const) {
          const pair = await impl.hpke.deriveKeyPair(ikm);
          expect(toHexString(await impl.hpke.exportPrivateKey(pair.privateKey))).toBe(toHexString(sk));
          expect(toHexString(await impl.hpke.exportPublicKey(pair.publicKey))).toBe(toHexString(pk));
        }
      });

      it("seals with the RFC ephemeral key to the RFC ciphertext", async () => {
        const { enc, ct } = await provider.sealWithEphemeral(pkRm, skEm, info, aad0, pt);
        expect(toHexString(enc)).toBe(toHexString(pkEm));
        expect(toHexString(ct)).toBe(toHexString(ct0));
      });

      it("opens the RFC ciphertext and refuses it under other AAD or info, or a zero key", async () => {
        const sk = await impl.hpke.importPrivateKey(skRm);
        expect(toHexString(await impl.hpke.open(sk, pkEm, ct0, info, aad0))).toBe(toHexString(pt));
        await expect(impl.hpke.open(sk, pkEm, ct0, info, hex("00"))).rejects.toThrow(CryptoError);
        await expect(impl.hpke.open(sk, pkEm, ct0, new Uint8Array(0), aad0)).rejects.toThrow(CryptoError);
        await expect(impl.hpke.open(sk, new Uint8Array(32), ct0, info, aad0)).rejects.toThrow(CryptoError);
      });

      it("exports the RFC exporter values (A.1.1.2)", async () => {
        const sk = await impl.hpke.importPrivateKey(skRm);
        const cases: [string, string][] = [
          ["", "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee"],
          ["00", "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5"],
          ["54657374436f6e74657874", "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931"],
        ];
        for (const [context, value] of cases) {
          expect(toHexString(await impl.hpke.importSecret(sk, hex(context), pkEm, 32, info))).toBe(value);
        }
      });

      it("round-trips seal/open and export with generated keys", async () => {
        const { privateKey, publicKey } = await impl.hpke.generateKeyPair();
        const raw = await impl.hpke.exportPublicKey(publicKey);
        const imported = await impl.hpke.importPublicKey(raw);
        const { ct, enc } = await impl.hpke.seal(imported, pt, info, aad0);
        expect(toHexString(await impl.hpke.open(privateKey, enc, ct, info, aad0))).toBe(toHexString(pt));
        const exported = await impl.hpke.exportSecret(imported, hex("01"), 32, info);
        expect(toHexString(await impl.hpke.importSecret(privateKey, hex("01"), exported.enc, 32, info))).toBe(
          toHexString(exported.secret),
        );
        await expect(impl.hpke.importPublicKey(new Uint8Array(31))).rejects.toThrow(CryptoError);
        await expect(impl.hpke.importPrivateKey(new Uint8Array(33))).rejects.toThrow(CryptoError);
      });

      describe("against @hpke/core", () => {
        const suite = new CipherSuite({
          kem: new DhkemX25519HkdfSha256(),
          kdf: new HkdfSha256(),
          aead: new Aes128Gcm(),
        });

        it("opens what @hpke/core sealed", async () => {
          const recipient = await impl.hpke.generateKeyPair();
          const recipientPublic = await suite.kem.deserializePublicKey(
            ab(await impl.hpke.exportPublicKey(recipient.publicKey)),
          );
          const sealed = await suite.seal(
            { recipientPublicKey: recipientPublic, info: ab(info) },
            ab(pt),
            ab(aad0),
          );
          const opened = await impl.hpke.open(
            recipient.privateKey,
            new Uint8Array(sealed.enc),
            new Uint8Array(sealed.ct),
            info,
            aad0,
          );
          expect(toHexString(opened)).toBe(toHexString(pt));
        });

        it("seals what @hpke/core opens, and agrees on exported secrets", async () => {
          const pair = await suite.kem.generateKeyPair();
          const raw = new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey));
          const ours = await impl.hpke.importPublicKey(raw);
          const { ct, enc } = await impl.hpke.seal(ours, pt, info, aad0);
          const opened = await suite.open(
            { recipientKey: pair.privateKey, enc: ab(enc), info: ab(info) },
            ab(ct),
            ab(aad0),
          );
          expect(toHexString(new Uint8Array(opened))).toBe(toHexString(pt));

          const exported = await impl.hpke.exportSecret(ours, hex("02"), 32, info);
          const context = await suite.createRecipientContext({
            recipientKey: pair.privateKey,
            enc: ab(exported.enc),
            info: ab(info),
          });
          expect(toHexString(new Uint8Array(await context.export(ab(hex("02")), 32)))).toBe(
            toHexString(exported.secret),
          );
        });
      });
    });

    it("random bytes are fresh and of the asked length", () => {
      const a = impl.rng.randomBytes(32);
      expect(a.length).toBe(32);
      expect(toHexString(a)).not.toBe(toHexString(impl.rng.randomBytes(32)));
      expect(impl.rng.randomBytes(70_000).length).toBe(70_000);
    });
  });
}
