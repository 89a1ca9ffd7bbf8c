/**
 * Attachments in the browser: AES-128-GCM through WebCrypto (a segment at a
 * time; each key imported once per file), and SHA-256 from @noble/hashes,
 * because WebCrypto has no incremental digest and the ciphertext is hashed
 * as it streams. Works wherever `globalThis.crypto.subtle` does (browsers,
 * Node 20), and produces exactly what nodeAttachmentCrypto does.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import type { AttachmentPlatform } from "./attachments.js";
import type { AttachmentCrypto } from "./streamCipher.js";

const TAG_BITS = 128;

export function webAttachmentCrypto(subtle: SubtleCrypto = globalThis.crypto.subtle): AttachmentCrypto {
  // One import per file key, not per segment.
  const imported = new WeakMap<Uint8Array, Promise<CryptoKey>>();
  const keyFor = (raw: Uint8Array): Promise<CryptoKey> => {
    let key = imported.get(raw);
    if (!key) {
      key = subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
      imported.set(raw, key);
    }
    return key;
  };
  return {
    aead: {
      async seal(key, nonce, plaintext) {
        const params = { name: "AES-GCM", iv: nonce as BufferSource, tagLength: TAG_BITS };
        return new Uint8Array(await subtle.encrypt(params, await keyFor(key), plaintext as BufferSource));
      },
      async open(key, nonce, ciphertext) {
        const params = { name: "AES-GCM", iv: nonce as BufferSource, tagLength: TAG_BITS };
        return new Uint8Array(await subtle.decrypt(params, await keyFor(key), ciphertext as BufferSource));
      },
    },
    sha256() {
      const hash = sha256.create();
      return {
        update: (bytes) => void hash.update(bytes),
        digest: () => hash.digest(),
      };
    },
    randomBytes: (length) => globalThis.crypto.getRandomValues(new Uint8Array(length)),
  };
}

export function webAttachmentPlatform(subtle?: SubtleCrypto): AttachmentPlatform {
  return { crypto: webAttachmentCrypto(subtle) };
}
