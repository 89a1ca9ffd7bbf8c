/**
 * X25519 keys for HPKE (RFC 7748, RFC 9180 §7.1), as node KeyObjects made
 * once per key. Raw bytes are what MLS stores; KeyObjects are what OpenSSL
 * needs; public keys from the tree are cached because every commit encrypts
 * to the same nodes again.
 */
import { createPublicKey, diffieHellman, randomFillSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { PrivateKey, PublicKey } from "ts-mls";
import { CryptoError } from "../mls/tsMlsInternals.js";
import { KeyCache } from "./keyCache.js";
import { privateKeyFromRaw, publicKeyFromRaw, rawPublicKey } from "./okpKeys.js";
import { bytesKey, plain } from "./plainBytes.js";

const KEY_BYTES = 32;

const importedPublicKeys = new KeyCache<KeyObject>(4096);

export class X25519PublicKey {
  readonly type = "public";
  #raw: Uint8Array | undefined;
  #object: KeyObject | undefined;
  #from: X25519PrivateKey | undefined;

  /**
   * From raw bytes, or lazily from a private key: deriving it costs a scalar
   * multiplication, and MLS often never asks for it (path keys, RFC 9420 §7.4).
   */
  constructor(source: Uint8Array | X25519PrivateKey, object?: KeyObject) {
    if (source instanceof Uint8Array) this.#raw = source;
    else this.#from = source;
    this.#object = object;
  }

  get raw(): Uint8Array {
    this.#raw ??= rawPublicKey(this.object());
    return this.#raw;
  }

  object(): KeyObject {
    if (this.#object === undefined) {
      if (this.#raw !== undefined) {
        this.#object = publicKeyFromRaw("X25519", this.#raw);
      } else if (this.#from !== undefined) {
        this.#object = createPublicKey(this.#from.object());
      } else {
        throw new CryptoError("X25519 public key has no material");
      }
    }
    return this.#object;
  }
}

export class X25519PrivateKey {
  readonly type = "private";
  #object: KeyObject | undefined;
  #public: X25519PublicKey | undefined;

  constructor(readonly raw: Uint8Array) {}

  object(): KeyObject {
    this.#object ??= privateKeyFromRaw("X25519", this.raw);
    return this.#object;
  }

  publicKey(): X25519PublicKey {
    this.#public ??= new X25519PublicKey(this);
    return this.#public;
  }
}

export function importPublic(raw: Uint8Array, cache: boolean): X25519PublicKey {
  if (raw.length !== KEY_BYTES)
    throw new CryptoError(`X25519 public key must be 32 bytes, got ${raw.length}`);
  const copy = raw.slice();
  if (!cache) return new X25519PublicKey(copy);
  const object = importedPublicKeys.get(bytesKey(raw), () => new X25519PublicKey(copy).object());
  return new X25519PublicKey(copy, object);
}

export function toPublic(key: PublicKey): X25519PublicKey {
  if (!((key as unknown) instanceof X25519PublicKey))
    throw new CryptoError("public key was not made by the node HPKE provider");
  return key as unknown as X25519PublicKey;
}

export function toPrivate(key: PrivateKey): X25519PrivateKey {
  if (!((key as unknown) instanceof X25519PrivateKey))
    throw new CryptoError("private key was not made by the node HPKE provider");
  return key as unknown as X25519PrivateKey;
}

export function dh(privateKey: X25519PrivateKey, publicKey: X25519PublicKey): Uint8Array {
  const shared = plain(diffieHellman({ privateKey: privateKey.object(), publicKey: publicKey.object() }));
  // RFC 9180 §7.1.4 / RFC 7748 §6.1: an all-zero shared secret means a small-order point.
  if (shared.every((b) => b === 0)) throw new CryptoError("X25519 produced the all-zero shared secret");
  return shared;
}

export function randomPrivateKey(): X25519PrivateKey {
  // RFC 9180 §7.1.3: for X25519 any 32 random bytes are a private key.
  return new X25519PrivateKey(randomFillSync(new Uint8Array(KEY_BYTES)));
}
