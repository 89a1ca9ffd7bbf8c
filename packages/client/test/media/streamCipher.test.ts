/** Streaming attachment encryption (SPEC MD11): round trips, tampering, bounded pieces. */
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nodeAttachmentCrypto } from "../../src/media/nodeAttachmentCrypto.js";
import { webAttachmentCrypto } from "../../src/media/webAttachmentCrypto.js";
import {
  SEGMENT_BYTES,
  TAG_BYTES,
  ciphertextBytes,
  decryptAttachment,
  encryptAttachment,
} from "../../src/media/streamCipher.js";

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += size) yield data.subarray(at, at + size);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

async function encrypt(data: Uint8Array, pieceSize = 10_000) {
  const encrypted = encryptAttachment(nodeAttachmentCrypto, pieces(data, pieceSize));
  const ciphertext = await collect(encrypted.ciphertext);
  return { ciphertext, key: encrypted.key, nonce: encrypted.nonce, expectedHash: encrypted.digest() };
}

describe("attachment stream cipher", () => {
  it("[MD11] round-trips files of every size around the segment boundary; the hash is the ciphertext's SHA-256", async () => {
    for (const size of [0, 1, SEGMENT_BYTES - 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 3 * SEGMENT_BYTES + 5]) {
      const data = randomBytes(size);
      const { ciphertext, ...secrets } = await encrypt(data);
      expect(ciphertext.byteLength).toBe(ciphertextBytes(size));
      expect(Buffer.from(secrets.expectedHash).equals(createHash("sha256").update(ciphertext).digest())).toBe(
        true,
      );
      const plain = await collect(decryptAttachment(nodeAttachmentCrypto, pieces(ciphertext, 7777), secrets));
      expect(plain.equals(data)).toBe(true);
    }
  });

  it("[MD11] every file gets its own key and nonce", async () => {
    const data = randomBytes(100);
    const [a, b] = [await encrypt(data), await encrypt(data)];
    expect(Buffer.from(a.key).equals(Buffer.from(b.key))).toBe(false);
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it("[MD11] a changed byte, swapped segments, a cut-off end or a wrong hash is refused with UNTRUSTED", async () => {
    const data = randomBytes(3 * SEGMENT_BYTES + 100);
    const { ciphertext, ...secrets } = await encrypt(data);
    const segment = SEGMENT_BYTES + TAG_BYTES;
    const flipped = Buffer.from(ciphertext);
    flipped[segment + 5]! ^= 1;
    const swapped = Buffer.concat([
      ciphertext.subarray(segment, 2 * segment),
      ciphertext.subarray(0, segment),
      ciphertext.subarray(2 * segment),
    ]);
    // Cut at a segment boundary: every remaining segment verifies, but none says it is last.
    const cut = ciphertext.subarray(0, 2 * segment);
    for (const bad of [flipped, swapped, cut]) {
      await expect(
        collect(decryptAttachment(nodeAttachmentCrypto, pieces(bad, 50_000), secrets)),
      ).rejects.toMatchObject({
        code: "UNTRUSTED",
      });
    }
    const wrongHash = { ...secrets, expectedHash: new Uint8Array(32) };
    await expect(
      collect(decryptAttachment(nodeAttachmentCrypto, pieces(ciphertext, 50_000), wrongHash)),
    ).rejects.toMatchObject({
      code: "UNTRUSTED",
    });
  });

  it("[MD11] streams: 20 MB goes through in pieces no larger than one segment, never the whole file", async () => {
    const size = 20 * 1024 * 1024;
    let produced = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (; produced < size; produced += 1024 * 1024) yield randomBytes(1024 * 1024);
    }
    const encrypted = encryptAttachment(nodeAttachmentCrypto, source());
    let largest = 0;
    let total = 0;
    for await (const piece of encrypted.ciphertext) {
      largest = Math.max(largest, piece.byteLength);
      total += piece.byteLength;
      // The source is read only a little ahead of what has come out.
      expect(
        produced - (total - Math.ceil(total / (SEGMENT_BYTES + TAG_BYTES)) * TAG_BYTES),
      ).toBeLessThanOrEqual(2 * 1024 * 1024 + 2 * SEGMENT_BYTES);
    }
    expect(total).toBe(ciphertextBytes(size));
    expect(largest).toBe(SEGMENT_BYTES + TAG_BYTES);
  });

  it("[MD11] the WebCrypto platform and the node:crypto one read each other's files", async () => {
    const web = webAttachmentCrypto();
    const data = randomBytes(2 * SEGMENT_BYTES + 3);
    const fromNode = await encrypt(data);
    const { ciphertext, ...secrets } = fromNode;
    expect((await collect(decryptAttachment(web, pieces(ciphertext, 9000), secrets))).equals(data)).toBe(
      true,
    );
    const encrypted = encryptAttachment(web, pieces(data, 9000));
    const fromWeb = await collect(encrypted.ciphertext);
    const back = decryptAttachment(nodeAttachmentCrypto, pieces(fromWeb, 9000), {
      key: encrypted.key,
      nonce: encrypted.nonce,
      expectedHash: encrypted.digest(),
    });
    expect((await collect(back)).equals(data)).toBe(true);
    const flipped = Buffer.from(fromWeb);
    flipped[10]! ^= 1;
    await expect(
      collect(
        decryptAttachment(web, pieces(flipped, 9000), {
          ...secrets,
          key: encrypted.key,
          nonce: encrypted.nonce,
          expectedHash: encrypted.digest(),
        }),
      ),
    ).rejects.toMatchObject({ code: "UNTRUSTED" });
  });
});
