/**
 * Attachments end to end through a real hub (SPEC MD4, MD5, MD8, MD11): an
 * SDK encrypts and uploads as the file streams, another account's SDK
 * downloads and decrypts it byte-identical; a tampered blob is refused; the
 * hub's files hold no plaintext.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { UploadState } from "../../src/media/attachments.js";
import { newClient, startTestHub, type TestDevice, type TestHub } from "../scenario/harness.js";

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += size) yield data.subarray(at, at + size);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

describe("attachments through the hub", () => {
  let hub: TestHub | undefined;
  const devices: TestDevice[] = [];
  afterEach(async () => {
    for (const d of devices.splice(0)) await d.client.close();
    await hub?.close();
    hub = undefined;
  });

  async function setup() {
    hub = await startTestHub({ media: { maxFileBytes: 256 * 1024 * 1024 } });
    const alice = await newClient();
    const bob = await newClient();
    const carol = await newClient();
    devices.push(alice, bob, carol);
    await alice.client.register(hub.hub.url, "+14155550100@whatsapp", "Alice");
    await bob.client.register(hub.hub.url, "bob@instagram", "Bob");
    await carol.client.register(hub.hub.url, "carol@example.com@messenger", "Carol");
    return { hub, alice, bob, carol };
  }

  it("[MD11][MD5] a file uploaded from the WhatsApp app downloads byte-identical in the Instagram and Messenger apps; progress is reported", async () => {
    const { alice, bob, carol } = await setup();
    const photo = randomBytes(9 * 1024 * 1024 + 321);
    const progress: number[] = [];
    const sent = await alice.client.attachments.upload(pieces(photo, 100_000), photo.byteLength, {
      onProgress: (n) => progress.push(n),
    });
    expect(sent.blobId).toMatch(/^[0-9a-f]{32}$/);
    expect(progress.at(-1)).toBe(sent.cipherBytes);
    expect(await alice.client.attachments.complete(sent.blobId)).toBeGreaterThan(0);
    for (const reader of [bob, carol])
      expect((await collect(reader.client.attachments.download(sent))).equals(photo)).toBe(true);
  });

  it("[MD9][MD11] the hub's files hold no plaintext, and a tampered blob is refused with UNTRUSTED", async () => {
    const { hub, alice, bob } = await setup();
    const pattern = Buffer.from("PLAINTEXT-MARKER-");
    const document = Buffer.concat(Array.from({ length: 30_000 }, () => pattern));
    const sent = await alice.client.attachments.upload(pieces(document, 64_000), document.byteLength);
    const blobs = join(hub.dir, "blobs");
    for (const name of await readdir(blobs))
      expect((await readFile(join(blobs, name))).includes(pattern)).toBe(false);

    const file = join(blobs, `${sent.blobId}.bin`);
    const bytes = await readFile(file);
    bytes[70_000]! ^= 0x40;
    await writeFile(file, bytes);
    await expect(collect(bob.client.attachments.download(sent))).rejects.toMatchObject({ code: "UNTRUSTED" });
  });

  it("[MD2][MD11] an upload stopped halfway resumes with the same key and nonce, sends only the rest, and decrypts", async () => {
    const { alice, bob } = await setup();
    const video = randomBytes(6 * 1024 * 1024 + 99);
    const stop = new AbortController();
    let state: UploadState | undefined;
    const first = alice.client.attachments.upload(pieces(video, 256_000), video.byteLength, {
      chunkBytes: 512 * 1024,
      signal: stop.signal,
      onUploadState: (s) => (state = s),
      onProgress: (sent) => {
        if (sent >= video.byteLength / 2) stop.abort(new Error("killed"));
      },
    });
    await expect(first).rejects.toThrow(/killed/);
    expect(state).toBeDefined();
    const head = await fetch(state!.uploadUrl, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
    // Without a token the hub says nothing about the upload.
    expect(head.status).toBe(401);

    const progress: number[] = [];
    const resumed = await alice.client.attachments.upload(pieces(video, 256_000), video.byteLength, {
      chunkBytes: 512 * 1024,
      resume: state!,
      onProgress: (sent) => progress.push(sent),
    });
    expect(resumed.url.endsWith(state!.uploadUrl.split("/").at(-1)!)).toBe(true);
    // tus reports progress from the resumed offset: the first half was not sent again.
    expect(progress[0]).toBeGreaterThan(video.byteLength / 3);
    expect((await collect(bob.client.attachments.download(resumed))).equals(video)).toBe(true);
  });

  it(
    "[MD2][MD11] a 200 MB upload killed halfway resumes and completes, byte-identical",
    { timeout: 120_000 },
    async () => {
      const { alice, bob } = await setup();
      const size = 200 * 1024 * 1024;
      // One random megabyte over and over: the ciphertext still differs everywhere (one nonce per segment).
      const block = randomBytes(1024 * 1024);
      async function* file(): AsyncGenerator<Uint8Array> {
        for (let at = 0; at < size; at += block.byteLength) yield block;
      }
      const stop = new AbortController();
      let state: UploadState | undefined;
      await expect(
        alice.client.attachments.upload(file(), size, {
          chunkBytes: 8 * 1024 * 1024,
          signal: stop.signal,
          onUploadState: (s) => (state = s),
          onProgress: (sent) => {
            if (sent >= size / 2) stop.abort(new Error("killed"));
          },
        }),
      ).rejects.toThrow(/killed/);
      const progress: number[] = [];
      const sent = await alice.client.attachments.upload(file(), size, {
        chunkBytes: 8 * 1024 * 1024,
        resume: state!,
        onProgress: (n) => progress.push(n),
      });
      expect(progress[0]).toBeGreaterThan(size / 3);
      let at = 0;
      for await (const piece of bob.client.attachments.download(sent)) {
        for (let i = 0; i < piece.byteLength; i += 65_536)
          expect(piece[i]).toBe(block[(at + i) % block.byteLength]);
        at += piece.byteLength;
      }
      expect(at).toBe(size);
    },
  );

  it("[MD8] the owner deletes its blob; then it is gone for everyone", async () => {
    const { alice, bob } = await setup();
    const sent = await alice.client.attachments.upload(pieces(Buffer.from("hi"), 2), 2);
    await expect(bob.client.attachments.delete(sent.blobId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await alice.client.attachments.delete(sent.blobId);
    await expect(collect(bob.client.attachments.download(sent))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
