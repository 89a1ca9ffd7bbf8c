/** Attachments on Node: node:crypto, and streams as Readables (the browser's come with the browser entry). */
import { createHash, randomBytes } from "node:crypto";
import { aesGcmOpen, aesGcmSeal } from "../crypto/nodeAesGcm.js";
import type { AttachmentPlatform } from "./attachments.js";
import type { AttachmentCrypto } from "./streamCipher.js";

const NO_AAD = new Uint8Array(0);

export const nodeAttachmentCrypto: AttachmentCrypto = {
  aead: {
    seal: (key, nonce, plaintext) => aesGcmSeal(key, nonce, NO_AAD, plaintext),
    open: (key, nonce, ciphertext) => aesGcmOpen(key, nonce, NO_AAD, ciphertext),
  },
  sha256() {
    const hash = createHash("sha256");
    return {
      update: (bytes) => void hash.update(bytes),
      digest: () => new Uint8Array(hash.digest()),
    };
  },
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
};

export const nodeAttachmentPlatform: AttachmentPlatform = {
  crypto: nodeAttachmentCrypto,
};
