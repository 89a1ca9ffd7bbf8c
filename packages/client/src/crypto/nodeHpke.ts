/**
 * HPKE base mode (RFC 9180) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
 * AES-128-GCM: the HPKE of MLS ciphersuite 1 (RFC 9420 §17.1), on node:crypto.
 *
 * MLS only ever uses single-shot HPKE (one seal per context, RFC 9420 §5.1.3)
 * and the exporter (external init, §8.3), so there is no context object:
 * sequence number 0 means the nonce is the base nonce.
 *
 * Keys are our own objects behind ts-mls's PublicKey/PrivateKey types (which
 * it treats as opaque handles it only passes back to this provider).
 */
import type { Hpke, PrivateKey, PublicKey } from "ts-mls";
import { CryptoError } from "../mls/tsMlsInternals.js";
import { aesGcmOpen, aesGcmSeal } from "./nodeAesGcm.js";
import { hkdfExpand, hkdfExtract } from "./nodeSha256.js";
import { concatBytes } from "./plainBytes.js";
import { X25519PrivateKey, dh, importPublic, randomPrivateKey, toPrivate, toPublic } from "./x25519.js";
import type { X25519PublicKey } from "./x25519.js";

const KEY_LENGTH = 16; // Nk, AES-128-GCM
const NONCE_LENGTH = 12; // Nn
const HASH_LENGTH = 32; // Nh, Nsecret, Nsk, Npk

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const EMPTY = new Uint8Array(0);
const HPKE_V1 = text("HPKE-v1");
// RFC 9180 §4.1 and §5.1: suite ids. KEM 0x0020, KDF 0x0001, AEAD 0x0001.
const KEM_SUITE = concatBytes(text("KEM"), Uint8Array.from([0x00, 0x20]));
const HPKE_SUITE = concatBytes(text("HPKE"), Uint8Array.from([0x00, 0x20, 0x00, 0x01, 0x00, 0x01]));

function labeledExtract(suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  return hkdfExtract(salt, concatBytes(HPKE_V1, suite, text(label), ikm));
}

function labeledExpand(
  suite: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const lengthBytes = Uint8Array.from([length >> 8, length & 0xff]);
  return hkdfExpand(prk, concatBytes(lengthBytes, HPKE_V1, suite, text(label), info), length);
}

/** RFC 9180 §4.1 ExtractAndExpand. */
function sharedSecret(dhValue: Uint8Array, enc: Uint8Array, recipient: Uint8Array): Uint8Array {
  const eaePrk = labeledExtract(KEM_SUITE, EMPTY, "eae_prk", dhValue);
  const secret = labeledExpand(KEM_SUITE, eaePrk, "shared_secret", concatBytes(enc, recipient), HASH_LENGTH);
  eaePrk.fill(0);
  dhValue.fill(0);
  return secret;
}

function deriveKeyPairFrom(ikm: Uint8Array): X25519PrivateKey {
  const dkpPrk = labeledExtract(KEM_SUITE, EMPTY, "dkp_prk", ikm);
  const sk = labeledExpand(KEM_SUITE, dkpPrk, "sk", EMPTY, HASH_LENGTH);
  dkpPrk.fill(0);
  return new X25519PrivateKey(sk);
}

let pskIdHash: Uint8Array | undefined;

/**
 * info_hash by info array, for large infos. A Welcome seals to every new
 * member with one info (its encrypted GroupInfo, the whole ratchet tree:
 * ~8 MB at 10,000 devices), and ts-mls hands the same array each time
 * (patches/ts-mls+1.6.4.patch): hashing it once instead of per member keeps
 * a large Welcome linear. The arrays are ts-mls's own encodings, never
 * changed after they are made.
 */
const infoHashes = new WeakMap<Uint8Array, Uint8Array>();
const CACHED_INFO_BYTES = 4096;

function infoHashOf(info: Uint8Array): Uint8Array {
  if (info.length < CACHED_INFO_BYTES) return labeledExtract(HPKE_SUITE, EMPTY, "info_hash", info);
  let hash = infoHashes.get(info);
  if (hash === undefined) {
    hash = labeledExtract(HPKE_SUITE, EMPTY, "info_hash", info);
    infoHashes.set(info, hash);
  }
  return hash;
}

/** RFC 9180 §5.1 KeySchedule for mode_base, up to `secret`; wipes the shared secret. */
function keySchedule(shared: Uint8Array, info: Uint8Array): { secret: Uint8Array; context: Uint8Array } {
  pskIdHash ??= labeledExtract(HPKE_SUITE, EMPTY, "psk_id_hash", EMPTY);
  const context = concatBytes(Uint8Array.of(0), pskIdHash, infoHashOf(info));
  const secret = labeledExtract(HPKE_SUITE, shared, "secret", EMPTY);
  shared.fill(0);
  return { secret, context };
}

function aeadKeys(shared: Uint8Array, info: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const { secret, context } = keySchedule(shared, info);
  const key = labeledExpand(HPKE_SUITE, secret, "key", context, KEY_LENGTH);
  // Sequence number 0: the nonce is base_nonce itself (RFC 9180 §5.2).
  const nonce = labeledExpand(HPKE_SUITE, secret, "base_nonce", context, NONCE_LENGTH);
  secret.fill(0);
  return { key, nonce };
}

/** RFC 9180 §5.3 Export from a fresh context. */
function exportFrom(
  shared: Uint8Array,
  info: Uint8Array,
  exporterContext: Uint8Array,
  length: number,
): Uint8Array {
  const { secret, context } = keySchedule(shared, info);
  const exporter = labeledExpand(HPKE_SUITE, secret, "exp", context, HASH_LENGTH);
  secret.fill(0);
  const out = labeledExpand(HPKE_SUITE, exporter, "sec", exporterContext, length);
  exporter.fill(0);
  return out;
}

function encap(
  recipient: X25519PublicKey,
  ephemeral: X25519PrivateKey,
): { shared: Uint8Array; enc: Uint8Array } {
  const enc = ephemeral.publicKey().raw.slice();
  return { shared: sharedSecret(dh(ephemeral, recipient), enc, recipient.raw), enc };
}

function decap(recipient: X25519PrivateKey, enc: Uint8Array): Uint8Array {
  return sharedSecret(dh(recipient, importPublic(enc, false)), enc, recipient.publicKey().raw);
}

function sealWith(shared: Uint8Array, info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const { key, nonce } = aeadKeys(shared, info);
  try {
    return aesGcmSeal(key, nonce, aad, plaintext);
  } finally {
    key.fill(0);
  }
}

function openWith(shared: Uint8Array, info: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const { key, nonce } = aeadKeys(shared, info);
  try {
    return aesGcmOpen(key, nonce, aad, ciphertext);
  } finally {
    key.fill(0);
  }
}

/** Single-shot seal with a given ephemeral secret: for RFC 9180 test vectors only. */
export function sealWithEphemeral(
  recipientPublic: Uint8Array,
  ephemeralSecret: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): { enc: Uint8Array; ct: Uint8Array } {
  const { shared, enc } = encap(
    importPublic(recipientPublic, false),
    new X25519PrivateKey(ephemeralSecret.slice()),
  );
  return { enc, ct: sealWith(shared, info, aad, plaintext) };
}

function pair(privateKey: X25519PrivateKey): { privateKey: PrivateKey; publicKey: PublicKey } {
  return {
    privateKey: privateKey as unknown as PrivateKey,
    publicKey: privateKey.publicKey() as unknown as PublicKey,
  };
}

export const nodeX25519Hpke: Hpke = {
  async seal(publicKey, plaintext, info, aad) {
    const { shared, enc } = encap(toPublic(publicKey), randomPrivateKey());
    return { enc, ct: sealWith(shared, info, aad ?? EMPTY, plaintext) };
  },
  async open(privateKey, kemOutput, ciphertext, info, aad) {
    try {
      return openWith(decap(toPrivate(privateKey), kemOutput), info, aad ?? EMPTY, ciphertext);
    } catch (e) {
      throw e instanceof CryptoError ? e : new CryptoError(`HPKE open failed: ${String(e)}`);
    }
  },
  async exportSecret(publicKey, exporterContext, length, info) {
    const { shared, enc } = encap(toPublic(publicKey), randomPrivateKey());
    return { enc, secret: exportFrom(shared, info, exporterContext, length) };
  },
  async importSecret(privateKey, exporterContext, kemOutput, length, info) {
    try {
      return exportFrom(decap(toPrivate(privateKey), kemOutput), info, exporterContext, length);
    } catch (e) {
      throw e instanceof CryptoError ? e : new CryptoError(`HPKE import secret failed: ${String(e)}`);
    }
  },
  async importPrivateKey(k) {
    if (k.length !== HASH_LENGTH)
      throw new CryptoError(`X25519 private key must be 32 bytes, got ${k.length}`);
    return new X25519PrivateKey(k.slice()) as unknown as PrivateKey;
  },
  async importPublicKey(k) {
    return importPublic(k, true) as unknown as PublicKey;
  },
  async exportPublicKey(k) {
    return toPublic(k).raw.slice();
  },
  async exportPrivateKey(k) {
    return toPrivate(k).raw.slice();
  },
  async encryptAead(key, nonce, aad, plaintext) {
    return aesGcmSeal(key, nonce, aad ?? EMPTY, plaintext);
  },
  async decryptAead(key, nonce, aad, ciphertext) {
    try {
      return aesGcmOpen(key, nonce, aad ?? EMPTY, ciphertext);
    } catch (e) {
      throw new CryptoError(`AEAD decryption failed: ${String(e)}`);
    }
  },
  async deriveKeyPair(ikm) {
    return pair(deriveKeyPairFrom(ikm));
  },
  async generateKeyPair() {
    return pair(randomPrivateKey());
  },
  keyLength: KEY_LENGTH,
  nonceLength: NONCE_LENGTH,
};
