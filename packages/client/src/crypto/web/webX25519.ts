/**
 * X25519 keys for HPKE (RFC 7748, RFC 9180 §7.1) on WebCrypto. MLS stores raw
 * bytes; WebCrypto needs CryptoKeys, so each key object imports itself once,
 * lazily, and public keys from the tree are cached because every commit
 * encrypts to the same nodes again.
 */
import type { PrivateKey, PublicKey } from "ts-mls";
import { CryptoError } from "../../mls/tsMlsInternals.js";
import { KeyCache } from "../keyCache.js";
import { bytesKey, concatBytes, randomBytes, source, subtle } from "./bytes.js";
import { fromBase64Url } from "./webEd25519.js";

const KEY_BYTES = 32;
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

const importedPublicKeys = new KeyCache<Promise<CryptoKey>>(4096);

function importRawPublic(raw: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey("raw", source(raw), { name: "X25519" }, true, []);
}

export class WebX25519PublicKey {
  readonly type = "public";
  #raw: Uint8Array | Promise<Uint8Array>;
  #key: Promise<CryptoKey> | undefined;

  /** From raw bytes, or lazily from a private key (MLS often never asks for a path key's public half). */
  constructor(source: Uint8Array | WebX25519PrivateKey, key?: Promise<CryptoKey>) {
    this.#raw = source instanceof Uint8Array ? source : source.derivePublic();
    this.#key = key;
  }

  async raw(): Promise<Uint8Array> {
    return this.#raw;
  }

  async key(): Promise<CryptoKey> {
    this.#key ??= Promise.resolve(this.#raw).then(importRawPublic);
    return this.#key;
  }
}

export class WebX25519PrivateKey {
  readonly type = "private";
  #key: Promise<CryptoKey> | undefined;
  #public: WebX25519PublicKey | undefined;

  constructor(readonly raw: Uint8Array) {}

  key(): Promise<CryptoKey> {
    if (this.#key === undefined) {
      const pkcs8 = concatBytes(PKCS8_PREFIX, this.raw);
      // Extractable only so the public half can be read back (WebCrypto has no "public of private").
      this.#key = subtle()
        .importKey("pkcs8", source(pkcs8), { name: "X25519" }, true, ["deriveBits"])
        .finally(() => pkcs8.fill(0));
    }
    return this.#key;
  }

  async derivePublic(): Promise<Uint8Array> {
    const { x } = await subtle().exportKey("jwk", await this.key());
    if (typeof x !== "string") throw new CryptoError("X25519 key without a public half");
    return fromBase64Url(x);
  }

  publicKey(): WebX25519PublicKey {
    this.#public ??= new WebX25519PublicKey(this);
    return this.#public;
  }
}

export function importPublic(raw: Uint8Array, cache: boolean): WebX25519PublicKey {
  if (raw.length !== KEY_BYTES)
    throw new CryptoError(`X25519 public key must be 32 bytes, got ${raw.length}`);
  const copy = raw.slice();
  if (!cache) return new WebX25519PublicKey(copy);
  return new WebX25519PublicKey(
    copy,
    importedPublicKeys.get(bytesKey(copy), () => importRawPublic(copy)),
  );
}

export function toPublic(key: PublicKey): WebX25519PublicKey {
  if (!((key as unknown) instanceof WebX25519PublicKey))
    throw new CryptoError("public key was not made by the WebCrypto HPKE provider");
  return key as unknown as WebX25519PublicKey;
}

export function toPrivate(key: PrivateKey): WebX25519PrivateKey {
  if (!((key as unknown) instanceof WebX25519PrivateKey))
    throw new CryptoError("private key was not made by the WebCrypto HPKE provider");
  return key as unknown as WebX25519PrivateKey;
}

export async function dh(
  privateKey: WebX25519PrivateKey,
  publicKey: WebX25519PublicKey,
): Promise<Uint8Array> {
  let shared: Uint8Array;
  try {
    shared = new Uint8Array(
      await subtle().deriveBits(
        { name: "X25519", public: await publicKey.key() },
        await privateKey.key(),
        256,
      ),
    );
  } catch (e) {
    throw new CryptoError(`X25519 failed: ${String(e)}`);
  }
  // RFC 9180 §7.1.4 / RFC 7748 §6.1: an all-zero shared secret means a small-order point.
  if (shared.every((b) => b === 0)) throw new CryptoError("X25519 produced the all-zero shared secret");
  return shared;
}

export function randomPrivateKey(): WebX25519PrivateKey {
  // RFC 9180 §7.1.3: for X25519 any 32 random bytes are a private key.
  return new WebX25519PrivateKey(randomBytes(KEY_BYTES));
}
