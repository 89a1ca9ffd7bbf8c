/**
 * The BlobStore port: where attachment ciphertext lives (SPEC MD1). Domain
 * level, so each adapter stays small: a blob is created with its owner, its
 * declared size and its expiry, filled by appends at its current offset
 * (a resumed upload continues where the stored bytes end), read back by byte
 * range as a stream, and deleted. The hub never gives it plaintext: clients
 * encrypt before they upload.
 *
 * Adapters: filesystem (fsBlobStore.ts, the embedded default) and PostgreSQL
 * (postgresBlobStore.ts, chunked rows). Both run test/media/contract.
 */
import { ProtocolError } from "@switchboard/protocol";

export interface NewBlob {
  /** 128 random bits, lower-case hex (see isBlobId). Chosen by the hub. */
  id: string;
  /** The account address that uploaded it: quotas and deletes are per owner. */
  owner: string;
  /** Declared at creation; the blob is complete when `received` reaches it. */
  size: number;
  createdAt: number;
  /** No blob outlives this (ms since the epoch); the sweeper deletes it. */
  expiresAt: number;
}

export interface BlobInfo extends NewBlob {
  /** Bytes stored so far: where the next append must start. */
  received: number;
  /** When its owner said a message references it; null while it is an orphan upload. */
  sentAt: number | null;
}

export interface BlobStore {
  /**
   * Rejects ALREADY_EXISTS for an id in use, INVALID_ARGUMENT for a malformed
   * id or size, and QUOTA_EXCEEDED when the owner's blobs with this one would
   * pass `quotaBytes` (checked and created as one step: concurrent uploads
   * cannot both slip under the quota; SPEC MD6).
   */
  create(blob: NewBlob, quotaBytes?: number): Promise<void>;
  /**
   * Store `data` from `offset`, which must equal the bytes received so far
   * (CONFLICT otherwise, written as INVALID_ARGUMENT) and never past the
   * declared size. Streams: holds at most one chunk in memory. What arrived
   * before `data` failed stays stored (the upload resumes after it); the
   * promise then rejects with the stream's error. Resolves the new offset.
   */
  append(id: string, offset: number, data: AsyncIterable<Uint8Array>): Promise<number>;
  info(id: string): Promise<BlobInfo | undefined>;
  /** Bytes [start, end) of a blob, streamed; undefined when there is no such blob. */
  read(id: string, start: number, end: number): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** Record that a message references the blob (it is no longer an orphan) and set its expiry. */
  markSent(id: string, sentAt: number, expiresAt: number): Promise<void>;
  /** True when it existed. */
  delete(id: string): Promise<boolean>;
  /** Ids of blobs past their expiry, or never sent and created before `unsentCreatedBefore`; at most `limit`. */
  expired(now: number, unsentCreatedBefore: number, limit: number): Promise<string[]>;
  /** The declared sizes of the owner's blobs, summed: an upload reserves its size when created (SPEC MD6). */
  bytesUsed(owner: string): Promise<number>;
  close(): Promise<void>;
}

const BLOB_ID = /^[0-9a-f]{32}$/;

/** 128 bits in lower-case hex: the only ids an adapter accepts, so one can never name a path. */
export function isBlobId(id: string): boolean {
  return BLOB_ID.test(id);
}

export function checkNewBlob(blob: NewBlob): void {
  if (!isBlobId(blob.id)) throw new ProtocolError("INVALID_ARGUMENT", "malformed blob id");
  if (!Number.isSafeInteger(blob.size) || blob.size < 0)
    throw new ProtocolError("INVALID_ARGUMENT", "blob size must be a non-negative integer");
}

export function offsetConflict(id: string, offset: number, received: number): ProtocolError {
  return new ProtocolError(
    "INVALID_ARGUMENT",
    `blob ${id}: append at ${offset}, but ${received} bytes are stored`,
  );
}

export function pastDeclaredSize(id: string): ProtocolError {
  return new ProtocolError("INVALID_ARGUMENT", `blob ${id}: more bytes than its declared size`);
}

export function noSuchBlob(id: string): ProtocolError {
  return new ProtocolError("NOT_FOUND", `no blob ${id}`);
}

export function overQuota(owner: string, used: number, quotaBytes: number, size: number): ProtocolError {
  return new ProtocolError(
    "QUOTA_EXCEEDED",
    `${owner} stores ${used} of ${quotaBytes} bytes; this file needs ${size}`,
  );
}
