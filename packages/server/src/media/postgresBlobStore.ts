/**
 * BlobStore on PostgreSQL, so the nodes of a cluster share attachments with
 * nothing new to run. A blob is a `blobs` row plus `blob_chunks` rows of at
 * most CHUNK_BYTES keyed by their byte offset: an append buffers one chunk
 * and writes it with the offset check in the same statement, a read pages
 * through a few chunks at a time. No operation holds a whole blob in memory.
 */
import { ProtocolError } from "@switchboard/protocol";
import type pg from "pg";
import { createPool, type PostgresStoreOptions } from "../store/postgres/pool.js";
import { migrate } from "../store/postgres/schema.js";
import { toStoreError, sqlState } from "../store/postgres/errors.js";
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

/** One row's payload: big enough to keep per-row overhead small, small enough to hold a few in memory. */
export const CHUNK_BYTES = 256 * 1024;
/** Chunks fetched per query when reading. */
const READ_BATCH = 4;
/** The advisory lock class of per-owner blob creation ("BQ"); the Store's migration lock is "SB". */
const BLOB_QUOTA_LOCK = 0x4251;

export async function openPostgresBlobStore(options: PostgresStoreOptions): Promise<BlobStore> {
  if (options.migrate ?? true) await migrate(options);
  const pool = createPool({ applicationName: "switchboard-blobs", ...options });
  try {
    await pool.query("SELECT 1 FROM blobs LIMIT 1");
  } catch (error) {
    await pool.end().catch(() => {});
    throw toStoreError(error);
  }
  return new PostgresBlobStore(pool);
}

interface BlobRow {
  id: string;
  owner: string;
  size: number;
  received: number;
  created_at: number;
  expires_at: number;
  sent_at: number | null;
}

class PostgresBlobStore implements BlobStore {
  constructor(private readonly pool: pg.Pool) {}

  private async query<R extends pg.QueryResultRow>(
    sql: string,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, values);
    } catch (error) {
      if (sqlState(error) === "23505") throw new ProtocolError("ALREADY_EXISTS", "blob exists");
      throw toStoreError(error);
    }
  }

  async create(blob: NewBlob, quotaBytes?: number): Promise<void> {
    checkNewBlob(blob);
    const insert = "INSERT INTO blobs (id, owner, size, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
    const values = [blob.id, blob.owner, blob.size, blob.createdAt, blob.expiresAt];
    if (quotaBytes === undefined) {
      await this.query(insert, values);
      return;
    }
    // One owner's creates queue on a transaction-scoped advisory lock, on
    // every node: the sum each one reads includes the ones before it.
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [BLOB_QUOTA_LOCK, blob.owner]);
      const { rows } = await client.query<{ used: number }>(
        "SELECT coalesce(sum(size), 0)::bigint AS used FROM blobs WHERE owner = $1",
        [blob.owner],
      );
      const used = rows[0]?.used ?? 0;
      if (used + blob.size > quotaBytes) throw overQuota(blob.owner, used, quotaBytes, blob.size);
      await client.query(insert, values);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (error instanceof ProtocolError) throw error;
      if (sqlState(error) === "23505") throw new ProtocolError("ALREADY_EXISTS", "blob exists");
      throw toStoreError(error);
    } finally {
      client.release();
    }
  }

  async append(id: string, offset: number, data: AsyncIterable<Uint8Array>): Promise<number> {
    const blob = await this.info(id);
    if (!blob) throw noSuchBlob(id);
    if (offset !== blob.received) throw offsetConflict(id, offset, blob.received);
    let position = offset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (bytes: number): Promise<void> => {
      const all = Buffer.concat(pending, pendingBytes);
      const chunk = all.subarray(0, bytes);
      const rest = all.subarray(bytes);
      pending = rest.byteLength > 0 ? [Buffer.from(rest)] : [];
      pendingBytes = rest.byteLength;
      await this.writeChunk(id, position, chunk);
      position += bytes;
    };
    try {
      for await (const piece of data) {
        if (position + pendingBytes + piece.byteLength > blob.size) throw pastDeclaredSize(id);
        pending.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
        pendingBytes += piece.byteLength;
        while (pendingBytes >= CHUNK_BYTES) await flush(CHUNK_BYTES);
      }
    } finally {
      // Also when the stream failed: what arrived is stored, and the upload resumes after it.
      if (pendingBytes > 0) await flush(pendingBytes);
    }
    return position;
  }

  /** The offset check and the chunk are one statement: two writers at one offset cannot both land. */
  private async writeChunk(id: string, start: number, chunk: Buffer): Promise<void> {
    const written = await this.query(
      `WITH moved AS (
         UPDATE blobs SET received = received + $3
          WHERE id = $1 AND received = $2 AND received + $3 <= size
          RETURNING id
       )
       INSERT INTO blob_chunks (blob_id, start, data) SELECT id, $2, $4 FROM moved`,
      [id, start, chunk.byteLength, chunk],
    );
    if (written.rowCount !== 1) {
      const now = await this.info(id);
      if (!now) throw noSuchBlob(id);
      throw offsetConflict(id, start, now.received);
    }
  }

  async info(id: string): Promise<BlobInfo | undefined> {
    if (!isBlobId(id)) return undefined;
    const { rows } = await this.query<BlobRow>("SELECT * FROM blobs WHERE id = $1", [id]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      owner: row.owner,
      size: row.size,
      received: row.received,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      sentAt: row.sent_at,
    };
  }

  async read(id: string, start: number, end: number): Promise<AsyncIterable<Uint8Array> | undefined> {
    if (!isBlobId(id)) return undefined;
    // The chunk holding `start`: chunks may be of any length (an upload may stop mid-chunk).
    const first = await this.query<{ id: string; start: number | null }>(
      `SELECT b.id, (SELECT max(c.start) FROM blob_chunks c WHERE c.blob_id = b.id AND c.start <= $2) AS start
         FROM blobs b WHERE b.id = $1`,
      [id, start],
    );
    const found = first.rows[0];
    if (!found) return undefined;
    return this.chunks(id, found.start ?? 0, start, end);
  }

  private async *chunks(id: string, from: number, start: number, end: number): AsyncGenerator<Uint8Array> {
    let next = from;
    while (next < end) {
      const { rows } = await this.query<{ start: number; data: Buffer }>(
        "SELECT start, data FROM blob_chunks WHERE blob_id = $1 AND start >= $2 AND start < $3 ORDER BY start LIMIT $4",
        [id, next, end, READ_BATCH],
      );
      if (rows.length === 0) return;
      for (const row of rows) {
        const piece = row.data.subarray(
          Math.max(0, start - row.start),
          Math.min(row.data.byteLength, end - row.start),
        );
        if (piece.byteLength > 0) yield piece;
        next = row.start + row.data.byteLength;
      }
    }
  }

  async markSent(id: string, sentAt: number, expiresAt: number): Promise<void> {
    const updated = await this.query("UPDATE blobs SET sent_at = $2, expires_at = $3 WHERE id = $1", [
      id,
      sentAt,
      expiresAt,
    ]);
    if (updated.rowCount !== 1) throw noSuchBlob(id);
  }

  async delete(id: string): Promise<boolean> {
    if (!isBlobId(id)) return false;
    const deleted = await this.query("DELETE FROM blobs WHERE id = $1", [id]);
    return deleted.rowCount === 1;
  }

  async expired(now: number, unsentCreatedBefore: number, limit: number): Promise<string[]> {
    const { rows } = await this.query<{ id: string }>(
      `SELECT id FROM blobs WHERE expires_at <= $1
       UNION
       SELECT id FROM blobs WHERE sent_at IS NULL AND created_at <= $2
       ORDER BY id LIMIT $3`,
      [now, unsentCreatedBefore, limit],
    );
    return rows.map((r) => r.id);
  }

  async bytesUsed(owner: string): Promise<number> {
    const { rows } = await this.query<{ used: number }>(
      "SELECT coalesce(sum(size), 0)::bigint AS used FROM blobs WHERE owner = $1",
      [owner],
    );
    return rows[0]?.used ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
