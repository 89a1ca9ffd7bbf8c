/**
 * HPKE base mode (RFC 9180) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
 * AES-128-GCM on WebCrypto: the same construction as ../nodeHpke.ts, async.
 * Single-shot only (MLS seals once per context, RFC 9420 §5.1.3), plus the
 * exporter (external init, §8.3).
 */
import type { Hpke, PrivateKey, PublicKey } from "ts-mls";
import { CryptoError } from "../../mls/tsMlsInternals.js";
import { concatBytes } from "./bytes.js";
import { aesGcmOpen, aesGcmSeal } from "./webAesGcm.js";
import { hkdfExpand, hkdfExtract } from "./webSha256.js";
import { WebX25519PrivateKey, dh, importPublic, randomPrivateKey, toPrivate, toPublic } from "./webX25519.js";
import type { WebX25519PublicKey } from "./webX25519.js";

const KEY_LENGTH = 16; // Nk, AES-128-GCM
const NONCE_LENGTH = 12; // Nn
const HASH_LENGTH = 32; // Nh, Nsecret, Nsk, Npk

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const EMPTY = new Uint8Array(0);
const HPKE_V1 = text("HPKE-v1");
const KEM_SUITE = concatBytes(text("KEM"), Uint8Array.from([0x00, 0x20]));
const HPKE_SUITE = concatBytes(text("HPKE"), Uint8Array.from([0x00, 0x20, 0x00, 0x01, 0x00, 0x01]));

function labeledExtract(suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array) {
  return hkdfExtract(salt, concatBytes(HPKE_V1, suite, text(label), ikm));
}

function labeledExpand(suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number) {
  const lengthBytes = Uint8Array.from([length >> 8, length & 0xff]);
  return hkdfExpand(prk, concatBytes(lengthBytes, HPKE_V1, suite, text(label), info), length);
}

async function sharedSecret(
  dhValue: Uint8Array,
  enc: Uint8Array,
  recipient: Uint8Array,
): Promise<Uint8Array> {
  const eaePrk = await labeledExtract(KEM_SUITE, EMPTY, "eae_prk", dhValue);
  const secret = await labeledExpand(
    KEM_SUITE,
    eaePrk,
    "shared_secret",
    concatBytes(enc, recipient),
    HASH_LENGTH,
  );
  eaePrk.fill(0);
  dhValue.fill(0);
  return secret;
}

async function deriveKeyPairFrom(ikm: Uint8Array): Promise<WebX25519PrivateKey> {
  const dkpPrk = await labeledExtract(KEM_SUITE, EMPTY, "dkp_prk", ikm);
  const sk = await labeledExpand(KEM_SUITE, dkpPrk, "sk", EMPTY, HASH_LENGTH);
  dkpPrk.fill(0);
  return new WebX25519PrivateKey(sk);
}

let pskIdHash: Promise<Uint8Array> | undefined;

async function keySchedule(shared: Uint8Array, info: Uint8Array) {
  pskIdHash ??= labeledExtract(HPKE_SUITE, EMPTY, "psk_id_hash", EMPTY);
  const infoHash = await labeledExtract(HPKE_SUITE, EMPTY, "info_hash", info);
  const context = concatBytes(Uint8Array.of(0), await pskIdHash, infoHash);
  const secret = await labeledExtract(HPKE_SUITE, shared, "secret", EMPTY);
  shared.fill(0);
  return { secret, context };
}

async function aeadKeys(shared: Uint8Array, info: Uint8Array) {
  const { secret, context } = await keySchedule(shared, info);
  const key = await labeledExpand(HPKE_SUITE, secret, "key", context, KEY_LENGTH);
  const nonce = await labeledExpand(HPKE_SUITE, secret, "base_nonce", context, NONCE_LENGTH);
  secret.fill(0);
  return { key, nonce };
}

async function exportFrom(shared: Uint8Array, info: Uint8Array, exporterContext: Uint8Array, length: number) {
  const { secret, context } = await keySchedule(shared, info);
  const exporter = await labeledExpand(HPKE_SUITE, secret, "exp", context, HASH_LENGTH);
  secret.fill(0);
  const out = await labeledExpand(HPKE_SUITE, exporter, "sec", exporterContext, length);
  exporter.fill(0);
  return out;
}

async function encap(recipient: WebX25519PublicKey, ephemeral: WebX25519PrivateKey) {
  const enc = (await ephemeral.publicKey().raw()).slice();
  return { shared: await sharedSecret(await dh(ephemeral, recipient), enc, await recipient.raw()), enc };
}

async function decap(recipient: WebX25519PrivateKey, enc: Uint8Array): Promise<Uint8Array> {
  const mine = await recipient.publicKey().raw();
  return sharedSecret(await dh(recipient, importPublic(enc, false)), enc, mine);
}

async function sealWith(shared: Uint8Array, info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
  const { key, nonce } = await aeadKeys(shared, info);
  try {
    return await aesGcmSeal(key, nonce, aad, plaintext);
  } finally {
    key.fill(0);
  }
}

async function openWith(shared: Uint8Array, info: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) {
  const { key, nonce } = await aeadKeys(shared, info);
  try {
    return await aesGcmOpen(key, nonce, aad, ciphertext);
  } finally {
    key.fill(0);
  }
}

/** Single-shot seal with a given ephemeral secret: for RFC 9180 test vectors only. */
export async function webSealWithEphemeral(
  recipientPublic: Uint8Array,
  ephemeralSecret: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<{ enc: Uint8Array; ct: Uint8Array }> {
  const { shared, enc } = await encap(
    importPublic(recipientPublic, false),
    new WebX25519PrivateKey(ephemeralSecret.slice()),
  );
  return { enc, ct: await sealWith(shared, info, aad, plaintext) };
}

function pair(privateKey: WebX25519PrivateKey): { privateKey: PrivateKey; publicKey: PublicKey } {
  return {
    privateKey: privateKey as unknown as PrivateKey,
    publicKey: privateKey.publicKey() as unknown as PublicKey,
  };
}

const asCryptoError = (e: unknown, what: string): CryptoError =>
  e instanceof CryptoError ? e : new CryptoError(`${what} failed: ${String(e)}`);

export const webX25519Hpke: Hpke = {
  async seal(publicKey, plaintext, info, aad) {
    const { shared, enc } = await encap(toPublic(publicKey), randomPrivateKey());
    return { enc, ct: await sealWith(shared, info, aad ?? EMPTY, plaintext) };
  },
  async open(privateKey, kemOutput, ciphertext, info, aad) {
    try {
      return await openWith(await decap(toPrivate(privateKey), kemOutput), info, aad ?? EMPTY, ciphertext);
    } catch (e) {
      throw asCryptoError(e, "HPKE open");
    }
  },
  async exportSecret(publicKey, exporterContext, length, info) {
    const { shared, enc } = await encap(toPublic(publicKey), randomPrivateKey());
    return { enc, secret: await exportFrom(shared, info, exporterContext, length) };
  },
  async importSecret(privateKey, exporterContext, kemOutput, length, info) {
    try {
      return await exportFrom(await decap(toPrivate(privateKey), kemOutput), info, exporterContext, length);
    } catch (e) {
      throw asCryptoError(e, "HPKE import secret");
    }
  },
  async importPrivateKey(k) {
    if (k.length !== HASH_LENGTH)
      throw new CryptoError(`X25519 private key must be 32 bytes, got ${k.length}`);
    return new WebX25519PrivateKey(k.slice()) as unknown as PrivateKey;
  },
  async importPublicKey(k) {
    return importPublic(k, true) as unknown as PublicKey;
  },
  async exportPublicKey(k) {
    return (await toPublic(k).raw()).slice();
  },
  async exportPrivateKey(k) {
    return toPrivate(k).raw.slice();
  },
  async encryptAead(key, nonce, aad, plaintext) {
    return aesGcmSeal(key, nonce, aad ?? EMPTY, plaintext);
  },
  async decryptAead(key, nonce, aad, ciphertext) {
    try {
      return await aesGcmOpen(key, nonce, aad ?? EMPTY, ciphertext);
    } catch (e) {
      throw new CryptoError(`AEAD decryption failed: ${String(e)}`);
    }
  },
  async deriveKeyPair(ikm) {
    return pair(await deriveKeyPairFrom(ikm));
  },
  async generateKeyPair() {
    return pair(randomPrivateKey());
  },
  keyLength: KEY_LENGTH,
  nonceLength: NONCE_LENGTH,
};
