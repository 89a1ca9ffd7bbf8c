/**
 * BlobStore on the local filesystem, the embedded default: one directory
 * (mode 0700) under the data directory, two files per blob (mode 0600):
 * `<id>.bin`, the ciphertext, appended to as it arrives, and `<id>.json`, its
 * record. The bytes received are the data file's length, so a crash mid-write
 * loses nothing that was stored: the upload resumes from there.
 *
 * Listing (expired, bytesUsed) goes through every record, kept in memory
 * (one node's attachments: fine); a deployment that outgrows it moves to
 * PostgreSQL or S3.
 */
import { createReadStream } from "node:fs";
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ProtocolError } from "@switchboard/protocol";
import {
  checkNewBlob,
  isBlobId,
  noSuchBlob,
  offsetConflict,
  overQuota,
  pastDeclaredSize,
  type BlobInfo,
  type BlobStore,
  type NewBlob,
} from "./blobStore.js";

type BlobRecord = NewBlob & { sentAt: number | null };

/** The most of one upload held before it is written (one writev): one chunk, as MD2 says. */
const WRITE_BATCH_BYTES = 256 * 1024;

/** Read-stream buffer: the most of one blob a download holds in memory. */
const READ_CHUNK_BYTES = 256 * 1024;

export async function openFsBlobStore(directory: string): Promise<BlobStore> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to a directory that already existed.
  await chmod(directory, 0o700);
  return new FsBlobStore(directory);
}

class FsBlobStore implements BlobStore {
  private loaded: Promise<Map<string, BlobRecord>> | undefined;

  constructor(private readonly directory: string) {}

  private path(id: string, ext: "bin" | "json"): string {
    // Checked here, on every path: an id never names anything outside the directory.
    if (!isBlobId(id)) throw new ProtocolError("INVALID_ARGUMENT", "malformed blob id");
    return join(this.directory, `${id}.${ext}`);
  }

  /** Creates run one at a time: the quota check and the claim are then one step on this node. */
  private creating: Promise<unknown> = Promise.resolve();

  create(blob: NewBlob, quotaBytes?: number): Promise<void> {
    const next = this.creating.then(() => this.createNow(blob, quotaBytes));
    this.creating = next.catch(() => {});
    return next;
  }

  private async createNow(blob: NewBlob, quotaBytes: number | undefined): Promise<void> {
    checkNewBlob(blob);
    if (quotaBytes !== undefined) {
      const used = await this.bytesUsed(blob.owner);
      if (used + blob.size > quotaBytes) throw overQuota(blob.owner, used, quotaBytes, blob.size);
    }
    const record: BlobRecord = { ...blob, sentAt: null };
    try {
      // "wx": the data file is the claim on the id.
      await writeFile(this.path(blob.id, "bin"), new Uint8Array(0), { flag: "wx", mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST")
        throw new ProtocolError("ALREADY_EXISTS", `blob ${blob.id} exists`);
      throw error;
    }
    await this.writeRecord(record);
  }

  async append(id: string, offset: number, data: AsyncIterable<Uint8Array>): Promise<number> {
    const record = await this.record(id);
    if (!record) throw noSuchBlob(id);
    let received = await this.received(id);
    if (offset !== received) throw offsetConflict(id, offset, received);
    const file = await open(this.path(id, "bin"), "a", 0o600);
    // The request's pieces (often 16-64 KiB) are written a batch at a time
    // with one writev: a write per piece made the upload wait on the disk
    // that many times. A batch is at most WRITE_BATCH_BYTES (plus one piece).
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await file.writev(batch);
      received += batchBytes;
      batch = [];
      batchBytes = 0;
    };
    try {
      for await (const chunk of data) {
        if (received + batchBytes + chunk.byteLength > record.size) {
          await flush();
          throw pastDeclaredSize(id);
        }
        batch.push(chunk);
        batchBytes += chunk.byteLength;
        if (batchBytes >= WRITE_BATCH_BYTES) await flush();
      }
      await flush();
      await file.sync();
    } finally {
      // An interrupted request keeps what arrived (the upload resumes from there).
      await flush().catch(() => undefined);
      await file.close();
    }
    return received;
  }

  async info(id: string): Promise<BlobInfo | undefined> {
    if (!isBlobId(id)) return undefined;
    const record = await this.record(id);
    if (!record) return undefined;
    return { ...record, received: await this.received(id) };
  }

  async read(id: string, start: number, end: number): Promise<AsyncIterable<Uint8Array> | undefined> {
    if (!isBlobId(id) || !(await this.record(id))) return undefined;
    if (end <= start) return (async function* () {})();
    // createReadStream's end is inclusive.
    return createReadStream(this.path(id, "bin"), { start, end: end - 1, highWaterMark: READ_CHUNK_BYTES });
  }

  async markSent(id: string, sentAt: number, expiresAt: number): Promise<void> {
    const record = await this.record(id);
    if (!record) throw noSuchBlob(id);
    await this.writeRecord({ ...record, sentAt, expiresAt });
  }

  async delete(id: string): Promise<boolean> {
    if (!isBlobId(id)) return false;
    const existed = (await this.record(id)) !== undefined;
    await rm(this.path(id, "json"), { force: true });
    await rm(this.path(id, "bin"), { force: true });
    (await this.catalogue()).delete(id);
    return existed;
  }

  async expired(now: number, unsentCreatedBefore: number, limit: number): Promise<string[]> {
    const ids: string[] = [];
    for (const record of (await this.catalogue()).values()) {
      if (ids.length >= limit) break;
      const orphan = record.sentAt === null && record.createdAt <= unsentCreatedBefore;
      if (record.expiresAt <= now || orphan) ids.push(record.id);
    }
    return ids;
  }

  async bytesUsed(owner: string): Promise<number> {
    let used = 0;
    for (const record of (await this.catalogue()).values()) if (record.owner === owner) used += record.size;
    return used;
  }

  async close(): Promise<void> {}

  /**
   * Every blob's record, read from disk once, then kept up to date by this
   * store's writes (the directory is this node's alone): listing and quota
   * checks then read memory, about 200 bytes a blob.
   */
  private catalogue(): Promise<Map<string, BlobRecord>> {
    this.loaded ??= (async () => {
      const records = new Map<string, BlobRecord>();
      for (const name of await readdir(this.directory)) {
        if (!name.endsWith(".json")) continue;
        const record = await this.record(name.slice(0, -".json".length));
        if (record) records.set(record.id, record);
      }
      return records;
    })();
    return this.loaded;
  }

  private async record(id: string): Promise<BlobRecord | undefined> {
    if (!isBlobId(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.path(id, "json"), "utf8")) as BlobRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  private async received(id: string): Promise<number> {
    return (await stat(this.path(id, "bin"))).size;
  }

  /** Written whole, then renamed over the old one: a reader sees one record or the other. */
  private async writeRecord(record: BlobRecord): Promise<void> {
    const path = this.path(record.id, "json");
    const temporary = `${path}.tmp`;
    await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
    await rename(temporary, path);
    (await this.catalogue()).set(record.id, record);
  }
}
