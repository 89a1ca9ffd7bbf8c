/**
 * The BlobStore contract (SPEC "Media (MD)"): ONE suite that every adapter
 * runs (filesystem, PostgreSQL). Test names quote the rule they check.
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlobStore, NewBlob } from "../../../src/media/blobStore.js";

export interface BlobStoreHarness {
  store: BlobStore;
  /** A new BlobStore on the same durable data. */
  reopen(): Promise<BlobStore>;
  cleanup(): Promise<void>;
}

export function newBlobId(): string {
  return randomBytes(16).toString("hex");
}

export function blob(fields: Partial<NewBlob> = {}): NewBlob {
  return {
    id: newBlobId(),
    owner: "alice@test",
    size: 10,
    createdAt: 1000,
    expiresAt: 1000 + 86_400_000,
    ...fields,
  };
}

export async function* pieces(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

/** A stream that yields `chunks`, then fails as a dropped connection does. */
export async function* failingAfter(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
  throw new Error("connection reset");
}

export async function collect(stream: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  if (!stream) throw new Error("no such blob");
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

export function describeBlobStoreContract(adapterName: string, open: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${adapterName}`, () => {
    let harness: BlobStoreHarness | undefined;
    const store = (): BlobStore => {
      if (!harness) throw new Error("no store open");
      return harness.store;
    };
    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });

    it("[MD1] a created blob is empty, then holds exactly the bytes appended, after a reopen too", async () => {
      const b = blob({ size: 11 });
      await store().create(b);
      expect(await store().info(b.id)).toEqual({ ...b, received: 0, sentAt: null });
      expect(await store().append(b.id, 0, pieces(Buffer.from("hello "), Buffer.from("world")))).toBe(11);
      const reopened = await harness!.reopen();
      expect((await reopened.info(b.id))?.received).toBe(11);
      expect((await collect(await reopened.read(b.id, 0, 11))).toString()).toBe("hello world");
    });

    it("[MD1] ids are 128 random bits in hex: anything else is refused, and an id is used once", async () => {
      await expect(store().create(blob({ id: "../../etc/passwd" }))).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
      expect(await store().info("../x")).toBeUndefined();
      expect(await store().read("../x", 0, 1)).toBeUndefined();
      const b = blob();
      await store().create(b);
      await expect(store().create(b)).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    });

    it("[MD2] an append must start at the bytes received, and never pass the declared size", async () => {
      const b = blob({ size: 6 });
      await store().create(b);
      await store().append(b.id, 0, pieces(Buffer.from("abc")));
      await expect(store().append(b.id, 0, pieces(Buffer.from("x")))).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
      await expect(store().append(b.id, 3, pieces(Buffer.from("defg")))).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
      expect((await store().info(b.id))?.received).toBeLessThanOrEqual(6);
      await expect(store().append(newBlobId(), 0, pieces(Buffer.from("x")))).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });

    it("[MD2] bytes that arrived before a stream failed stay; the upload resumes after them", async () => {
      const data = randomBytes(700 * 1024);
      const b = blob({ size: data.byteLength });
      await store().create(b);
      const cut = 300 * 1024 + 17;
      await expect(
        store().append(b.id, 0, failingAfter(data.subarray(0, 100_000), data.subarray(100_000, cut))),
      ).rejects.toThrow(/connection reset/);
      const stored = (await store().info(b.id))!.received;
      expect(stored).toBe(cut);
      expect(await store().append(b.id, stored, pieces(data.subarray(stored)))).toBe(data.byteLength);
      expect((await collect(await store().read(b.id, 0, data.byteLength))).equals(data)).toBe(true);
    });

    it("[MD3] any byte range reads back exactly, across chunk boundaries", async () => {
      const data = randomBytes(600 * 1024 + 5);
      const b = blob({ size: data.byteLength });
      await store().create(b);
      // Uneven pieces, so stored chunks do not line up with the ranges read.
      const cuts = [0, 1, 70_000, 262_144, 262_145, 500_000, data.byteLength];
      for (let i = 1; i < cuts.length; i++)
        await store().append(b.id, cuts[i - 1]!, pieces(data.subarray(cuts[i - 1], cuts[i])));
      for (const [start, end] of [
        [0, 1],
        [262_143, 262_145],
        [100, 524_300],
        [data.byteLength - 1, data.byteLength],
        [5, 5],
        [0, data.byteLength],
      ] as const) {
        const read = await collect(await store().read(b.id, start, end));
        expect(read.equals(data.subarray(start, end))).toBe(true);
      }
    });

    it("[MD7] expired lists blobs past expiry and unsent blobs created before the orphan cutoff", async () => {
      const old = blob({ createdAt: 0, expiresAt: 100 });
      const orphan = blob({ createdAt: 10, expiresAt: 10_000 });
      const sent = blob({ createdAt: 10, expiresAt: 10_000 });
      const fresh = blob({ createdAt: 60, expiresAt: 10_000 });
      for (const b of [old, orphan, sent, fresh]) await store().create(b);
      await store().markSent(sent.id, 20, 5_000);
      expect(await store().info(sent.id)).toMatchObject({ sentAt: 20, expiresAt: 5_000 });
      const expired = await store().expired(100, 50, 100);
      expect(expired.sort()).toEqual([old.id, orphan.id].sort());
      expect(await store().expired(100, 50, 1)).toHaveLength(1);
      expect((await store().expired(5_000, 0, 100)).sort()).toEqual([old.id, sent.id].sort());
    });

    it("[MD7] a deleted blob is gone with its bytes; deleting again says it was not there", async () => {
      const b = blob({ size: 3 });
      await store().create(b);
      await store().append(b.id, 0, pieces(Buffer.from("abc")));
      expect(await store().delete(b.id)).toBe(true);
      expect(await store().info(b.id)).toBeUndefined();
      expect(await store().read(b.id, 0, 3)).toBeUndefined();
      expect(await store().delete(b.id)).toBe(false);
      await expect(store().markSent(b.id, 1, 2)).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    it("[MD6] create with a quota refuses QUOTA_EXCEEDED past it; concurrent creates never pass it together", async () => {
      await store().create(blob({ size: 300 }), 1000);
      await expect(store().create(blob({ size: 701 }), 1000)).rejects.toMatchObject({
        code: "QUOTA_EXCEEDED",
      });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => store().create(blob({ size: 100 }), 1000)),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(7);
      for (const r of results)
        if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "QUOTA_EXCEEDED" });
      expect(await store().bytesUsed("alice@test")).toBe(1000);
      // Another owner's quota is its own.
      await store().create(blob({ owner: "bob@test", size: 1000 }), 1000);
    });

    it("[MD6] bytesUsed sums the declared sizes of the owner's blobs, and drops deleted ones", async () => {
      expect(await store().bytesUsed("alice@test")).toBe(0);
      const a = blob({ size: 100 });
      await store().create(a);
      await store().create(blob({ size: 50 }));
      await store().create(blob({ owner: "bob@test", size: 7 }));
      expect(await store().bytesUsed("alice@test")).toBe(150);
      expect(await store().bytesUsed("bob@test")).toBe(7);
      await store().delete(a.id);
      expect(await store().bytesUsed("alice@test")).toBe(50);
    });
  });
}
