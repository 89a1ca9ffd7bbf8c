/**
 * Files in conversations through a real hub (SPEC MD12-MD14): a photo sent
 * from the WhatsApp app reaches an Instagram and a Messenger member of one
 * group as a MIMI ExternalPart, with its caption, dimensions and inline
 * preview, and downloads byte-identical; a wrong hash is refused; deleting
 * the message for everyone forgets the file on every device and deletes the
 * blob at the hub.
 */
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeMimiContent, Cardinality, Disposition, PartSemantics } from "@switchboard/protocol";
import { buildFile } from "../../src/content/build.js";
import { interpretContent } from "../../src/content/interpret.js";
import type { FileAttachment } from "../../src/content/filePart.js";
import { hubError, type UploadState } from "../../src/media/attachments.js";
import {
  eventually,
  newClient,
  newDevice,
  startTestHub,
  type TestDevice,
  type TestHub,
} from "../scenario/harness.js";

async function* pieces(data: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.byteLength; at += 50_000) yield data.subarray(at, at + 50_000);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

const sample: FileAttachment = {
  id: "0123456789abcdef0123456789abcdef",
  url: "https://hub.example/blobs/0123456789abcdef0123456789abcdef",
  name: "cat.png",
  type: "image/png",
  size: 1234,
  key: new Uint8Array(16).fill(1),
  nonce: new Uint8Array(12).fill(2),
  hash: new Uint8Array(32).fill(3),
  expires: 1_900_000_000,
  width: 640,
  height: 480,
  thumbnail: { type: "image/jpeg", bytes: new Uint8Array([0xff, 0xd8, 0xff]) },
};

describe("[MD12][MD13] a file message's MIMI content", () => {
  const context = { senderAddress: "a@whatsapp", conversationId: "c".repeat(32), serverTime: 1000 };

  it("is a singleUnit multipart of caption, ExternalPart and preview, and reads back as sent", () => {
    const built = buildFile(sample, "look");
    const decoded = decodeMimiContent(built.bytes);
    expect(decoded.ok).toBe(true);
    const body = built.content.body;
    expect(body.cardinality).toBe(Cardinality.multi);
    if (body.cardinality !== Cardinality.multi) return;
    expect(body.partSemantics).toBe(PartSemantics.singleUnit);
    expect(body.parts.map((p) => [p.disposition, p.cardinality])).toEqual([
      [Disposition.render, Cardinality.single],
      [Disposition.attachment, Cardinality.external],
      [Disposition.preview, Cardinality.single],
    ]);
    const read = interpretContent(built.bytes, context);
    expect(read).toMatchObject({ ok: true, event: { kind: "message", text: "look", attachments: [sample] } });
  });

  it("is a bare ExternalPart without caption or preview", () => {
    const { thumbnail: _t, width: _w, height: _h, ...plain } = sample;
    const built = buildFile(plain, "");
    expect(built.content.body.cardinality).toBe(Cardinality.external);
    expect(built.content.extensions.size).toBe(0);
    expect(interpretContent(built.bytes, context)).toMatchObject({
      ok: true,
      event: { kind: "message", text: "", attachments: [plain] },
    });
  });

  it("reads a file name without directories or control characters, whatever the message says", () => {
    for (const [sent, read] of [
      ["../../.profile", ".profile"],
      ["C:\\Users\\x\\evil.exe", "evil.exe"],
      ["..", "file"],
      ["a\u0000b\nc.txt", "abc.txt"],
    ] as const)
      expect(interpretContent(buildFile({ ...sample, name: sent }, "").bytes, context)).toMatchObject({
        ok: true,
        event: { attachments: [{ name: read }] },
      });
  });

  it.each([
    [
      "another algorithm",
      { ...sample },
      (b: ReturnType<typeof buildFile>) =>
        ((b.content.body as { parts: { encAlg?: number }[] }).parts[1]!.encAlg = 2),
    ],
    ["a short key", { ...sample, key: new Uint8Array(8) }, () => undefined],
    ["a URL that is not a blob's", { ...sample, url: "https://evil.example/x" }, () => undefined],
  ])("is unsupported with %s (never a message whose file cannot be opened)", async (_what, file, change) => {
    const built = buildFile(file, "look");
    change(built);
    const { encodeMimiContent } = await import("@switchboard/protocol");
    const read = interpretContent(encodeMimiContent(built.content), context);
    expect(read).toMatchObject({ ok: true, event: { kind: "unsupported" } });
  });
});

describe("[MD12][MD13][MD14] files through the hub", () => {
  let hub: TestHub | undefined;
  const devices: TestDevice[] = [];
  afterEach(async () => {
    for (const d of devices.splice(0)) await d.client.close();
    await hub?.close();
    hub = undefined;
  });

  async function group() {
    hub = await startTestHub({ media: true });
    const alice = await newDevice(hub.hub.url, "+14155550100@whatsapp");
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const carol = await newDevice(hub.hub.url, "carol@example.com@messenger");
    devices.push(alice, bob, carol);
    const conversation = await alice.client.createGroup("Photos", [
      "bob@instagram",
      "carol@example.com@messenger",
    ]);
    return { alice, bob, carol, conversation };
  }

  it("an image from the WhatsApp app reaches an Instagram and a Messenger member byte-identical, with caption, size and preview; progress is reported", async () => {
    const { alice, bob, carol, conversation } = await group();
    const photo = randomBytes(300_000);
    const thumbnail = randomBytes(2_000);
    const progress: number[] = [];
    const sent = await alice.client.attachments.sendFile(
      conversation,
      { name: "../holiday/beach.png", type: "image/png", size: photo.byteLength, bytes: photo },
      {
        caption: "the beach",
        width: 1024,
        height: 768,
        thumbnail: { bytes: thumbnail },
        onProgress: (n) => progress.push(n),
      },
    );
    expect(progress.at(-1)).toBe(sent.attachment.size + 5 * 16);
    expect(sent.message.text).toBe("the beach");
    expect(sent.attachment.name).toBe("beach.png");
    for (const reader of [bob, carol]) {
      await eventually(() => reader.received.some((m) => m.id === sent.message.id), "the file message");
      const [file] = await reader.client.attachments.of(conversation, sent.message.id);
      expect(file).toMatchObject({
        name: "beach.png",
        type: "image/png",
        size: photo.byteLength,
        width: 1024,
        height: 768,
      });
      expect(Buffer.from(file!.thumbnail!.bytes).equals(thumbnail)).toBe(true);
      expect((await collect(reader.client.attachments.download(file!))).equals(photo)).toBe(true);
    }
    expect(await alice.client.attachments.of(conversation, sent.message.id)).toHaveLength(1);
  });

  it("[MD15] resuming an upload the hub already has whole sends nothing and still gives the same blob and hash", async () => {
    const { alice, bob } = await group();
    const bytes = randomBytes(200_000);
    let state: UploadState | undefined;
    const first = await alice.client.attachments.upload(pieces(bytes), bytes.byteLength, {
      onUploadState: (s) => (state = s),
    });
    const progress: number[] = [];
    const again = await alice.client.attachments.upload(pieces(bytes), bytes.byteLength, {
      resume: state!,
      onProgress: (sent) => progress.push(sent),
    });
    expect(again.blobId).toBe(first.blobId);
    expect(Buffer.from(again.hash).equals(Buffer.from(first.hash))).toBe(true);
    expect(progress.every((sent) => sent === first.cipherBytes)).toBe(true);
    expect((await collect(bob.client.attachments.download(again))).equals(bytes)).toBe(true);
  });

  it("a file over the account's quota is refused with QUOTA_EXCEEDED before any byte goes; the hub's own refusals come typed too", async () => {
    hub = await startTestHub({ media: { accountQuotaBytes: 150_000 } });
    const alice = await newDevice(hub.hub.url, "+14155550100@whatsapp");
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    devices.push(alice, bob);
    const progress: number[] = [];
    const big = randomBytes(200_000);
    await expect(
      alice.client.attachments.sendFile(
        "bob@instagram",
        { name: "big.bin", size: big.byteLength, bytes: big },
        { onProgress: (n) => progress.push(n) },
      ),
    ).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
    expect(progress).toEqual([]);
    // No upload was even created at the hub.
    expect((await readdir(join(hub.dir, "blobs"))).filter((f) => f.endsWith(".bin"))).toEqual([]);

    const tusFailure = Object.assign(new Error("tus: unexpected response"), {
      originalResponse: { getBody: () => JSON.stringify({ error: "QUOTA_EXCEEDED", message: "over quota" }) },
    });
    expect(hubError(tusFailure)).toMatchObject({ code: "QUOTA_EXCEEDED", message: "over quota" });
    const plain = new Error("tus: network down");
    expect(hubError(plain)).toBe(plain);
  });

  it("a download comes from the reader's own hub; one whose ciphertext hash is not the message's is refused with UNTRUSTED", async () => {
    const { alice, bob, conversation } = await group();
    const document = randomBytes(100_000);
    const sent = await alice.client.attachments.sendFile(conversation, {
      name: "notes.pdf",
      type: "application/pdf",
      size: document.byteLength,
      bytes: document,
    });
    await eventually(() => bob.received.some((m) => m.id === sent.message.id), "the file message");
    const [file] = await bob.client.attachments.of(conversation, sent.message.id);
    // Fetched from this device's own hub by the blob id, whatever host the message names.
    const elsewhere = { ...file!, url: `http://127.0.0.1:9/blobs/${file!.id}` };
    expect((await collect(bob.client.attachments.download(elsewhere))).equals(document)).toBe(true);
    const wrongHash = new Uint8Array(file!.hash);
    wrongHash[0]! ^= 1;
    await expect(
      collect(bob.client.attachments.download({ ...file!, hash: wrongHash })),
    ).rejects.toMatchObject({
      code: "UNTRUSTED",
    });
  });

  it("deleting the message for everyone forgets the file on every device and deletes the blob at the hub", async () => {
    const { alice, bob, carol, conversation } = await group();
    const voice = randomBytes(50_000);
    const sent = await alice.client.attachments.sendFile(
      conversation,
      { name: "voice.ogg", type: "audio/ogg", size: voice.byteLength, bytes: voice },
      { durationMs: 4_200 },
    );
    await eventually(() => carol.received.some((m) => m.id === sent.message.id), "the file message");
    const [file] = await carol.client.attachments.of(conversation, sent.message.id);
    expect(file!.durationMs).toBe(4_200);
    expect((await fetch(file!.url)).status).toBe(200);

    await alice.client.deleteForEveryone(conversation, sent.message.id);
    expect(await alice.client.attachments.of(conversation, sent.message.id)).toEqual([]);
    expect((await fetch(file!.url)).status).toBe(404);
    for (const reader of [bob, carol])
      await eventually(
        async () => (await reader.client.attachments.of(conversation, sent.message.id)).length === 0,
        "the file forgotten",
      );
  });

  it("[XP4][XP5] a file message sent under a timer expires with its file: every device forgets it, and the sender deletes the blob", async () => {
    hub = await startTestHub({ media: true });
    let now = Date.now();
    const device = async (address: string) => {
      const d = await newClient({ clock: () => now });
      await d.client.register(hub!.hub.url, address, address);
      await d.client.connect();
      devices.push(d);
      return d;
    };
    const alice = await device("+14155550100@whatsapp");
    const bob = await device("bob@instagram");
    const conversation = await alice.client.createGroup("Fleeting", ["bob@instagram"]);
    await eventually(async () => (await bob.client.conversations()).length === 1, "bob to join");
    await alice.client.expiry.setTimer(conversation, 300);
    const photo = randomBytes(20_000);
    const sent = await alice.client.attachments.sendFile(conversation, {
      name: "gone.png",
      type: "image/png",
      size: photo.byteLength,
      bytes: photo,
    });
    expect(sent.message.expiresAt).not.toBeNull();
    await eventually(() => bob.received.some((m) => m.id === sent.message.id), "the file message");
    const [file] = await bob.client.attachments.of(conversation, sent.message.id);
    expect((await fetch(file!.url)).status).toBe(200);

    now += 301_000;
    for (const d of [alice, bob]) await d.client.expiry.sweep();
    for (const d of [alice, bob])
      await eventually(
        async () => (await d.client.attachments.of(conversation, sent.message.id)).length === 0,
        "the file forgotten",
      );
    await eventually(async () => (await fetch(file!.url)).status === 404, "the blob gone from the hub");
  });
});
