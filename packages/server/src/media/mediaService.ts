/**
 * The hub's side of attachments, independent of HTTP and tus: issuing upload
 * tokens, admitting an upload against the per-file limit and the account's
 * quota, marking a blob sent, deleting it, and sweeping expired and orphaned
 * blobs (SPEC MD4, MD6-MD8).
 */
import { randomBytes } from "node:crypto";
import { ProtocolError } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import type { BlobInfo, BlobStore, NewBlob } from "./blobStore.js";
import { maxFileBytesFor, type MediaSettings } from "./settings.js";
import type { UploadClaims, UploadTokens } from "./uploadToken.js";

/**
 * Called before each token, upload request and download, so a rate limiter
 * (the EDGE area's token buckets) can refuse with RATE_LIMITED by throwing.
 * `who` is the account for tokens and uploads, the client address for downloads.
 */
export type MediaRateHook = (
  kind: "upload-token" | "upload" | "download",
  who: string,
) => void | Promise<void>;

export interface IssuedToken {
  token: string;
  maxFileBytes: number;
  expiresAt: number;
  quotaRemaining: number;
}

/** Timers the sweeper uses; injected in tests. */
export interface SweepTimers {
  setInterval(callback: () => void, ms: number): { unref?(): unknown };
  clearInterval(handle: unknown): void;
}

/** Blobs deleted per query while sweeping, so one sweep never lists a whole store. */
const SWEEP_BATCH = 100;

export class MediaService {
  private sweeper: { unref?(): unknown } | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    readonly blobs: BlobStore,
    readonly settings: MediaSettings,
    private readonly tokens: UploadTokens,
    private readonly clock: Clock,
    readonly rateHook: MediaRateHook = () => {},
  ) {}

  async createUploadToken(caller: Caller, expiresInMs: number): Promise<IssuedToken> {
    await this.rateHook("upload-token", caller.address);
    const now = this.clock();
    const max = this.settings.maxBlobLifetimeMs;
    const lifetimeMs = expiresInMs > 0 && expiresInMs < max ? expiresInMs : max;
    const maxFileBytes = maxFileBytesFor(this.settings, caller.app);
    const expiresAt = now + this.settings.uploadTokenTtlMs;
    const token = this.tokens.issue({
      account: caller.address,
      deviceId: caller.deviceId,
      maxBytes: maxFileBytes,
      lifetimeMs,
      expiresAt,
    });
    const used = await this.blobs.bytesUsed(caller.address);
    return {
      token,
      maxFileBytes,
      expiresAt,
      quotaRemaining: Math.max(0, this.settings.accountQuotaBytes - used),
    };
  }

  /** The claims of a valid token, or UNAUTHENTICATED. */
  authorize(authorization: string | null): UploadClaims {
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization ?? "");
    const claims = match ? this.tokens.verify(match[1]!, this.clock()) : undefined;
    if (!claims) throw new ProtocolError("UNAUTHENTICATED", "a valid upload token is required");
    return claims;
  }

  /** A fresh random 128-bit id: blob ids are capabilities, so never guessable. */
  newBlobId(): string {
    return randomBytes(16).toString("hex");
  }

  /**
   * Admit an upload of `size` bytes for the token's account (SPEC MD6): the
   * blob to create, not created yet (the tus DataStore creates it, checking
   * the quota again atomically; this early check answers before any byte).
   */
  async admitUpload(claims: UploadClaims, id: string, size: number): Promise<NewBlob> {
    await this.rateHook("upload", claims.account);
    if (size > claims.maxBytes)
      throw new ProtocolError("FILE_TOO_LARGE", `files are limited to ${claims.maxBytes} bytes`);
    const used = await this.blobs.bytesUsed(claims.account);
    if (used + size > this.settings.accountQuotaBytes)
      throw new ProtocolError(
        "QUOTA_EXCEEDED",
        `the account stores ${used} of ${this.settings.accountQuotaBytes} bytes; this file needs ${size}`,
      );
    const now = this.clock();
    return { id, owner: claims.account, size, createdAt: now, expiresAt: now + claims.lifetimeMs };
  }

  /** The owner's blob; NOT_FOUND for anyone else, so ids cannot be probed. */
  private async owned(caller: Caller, id: string): Promise<BlobInfo> {
    const blob = await this.blobs.info(id);
    if (!blob || blob.owner !== caller.address) throw new ProtocolError("NOT_FOUND", "no such blob");
    return blob;
  }

  /** The message referencing the blob was sent: it is no longer an orphan (SPEC MD8). */
  async completeBlob(caller: Caller, id: string, expiresAt: number): Promise<number> {
    const blob = await this.owned(caller, id);
    if (blob.received !== blob.size)
      throw new ProtocolError("INVALID_ARGUMENT", `the upload has ${blob.received} of ${blob.size} bytes`);
    const expiry = expiresAt > 0 ? Math.min(expiresAt, blob.expiresAt) : blob.expiresAt;
    await this.blobs.markSent(id, this.clock(), expiry);
    return expiry;
  }

  async deleteBlob(caller: Caller, id: string): Promise<void> {
    await this.owned(caller, id);
    await this.blobs.delete(id);
  }

  /** A blob that may be downloaded now: complete and not expired. */
  async downloadable(id: string): Promise<BlobInfo | undefined> {
    const blob = await this.blobs.info(id);
    if (!blob || blob.received !== blob.size || blob.expiresAt <= this.clock()) return undefined;
    return blob;
  }

  /** Delete expired blobs and orphaned uploads (SPEC MD7); resolves how many. One sweep at a time. */
  sweep(): Promise<number> {
    this.sweeping ??= (async () => {
      let deleted = 0;
      try {
        for (;;) {
          const now = this.clock();
          const ids = await this.blobs.expired(now, now - this.settings.orphanAfterMs, SWEEP_BATCH);
          let batch = 0;
          for (const id of ids) if (await this.blobs.delete(id)) batch++;
          deleted += batch;
          // A full batch that deleted nothing (another node got there first) would loop for ever.
          if (ids.length < SWEEP_BATCH || batch === 0) return deleted;
        }
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }

  startSweeper(timers: SweepTimers, onError: (err: unknown) => void): void {
    this.sweeper = timers.setInterval(() => {
      this.sweep().catch(onError);
    }, this.settings.sweepIntervalMs);
    // The sweeper never keeps the process alive.
    this.sweeper.unref?.();
  }

  stopSweeper(timers: SweepTimers): void {
    if (this.sweeper !== undefined) timers.clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Stop sweeping, wait for a sweep under way, and close the store. */
  async close(timers: SweepTimers): Promise<void> {
    this.stopSweeper(timers);
    await this.sweeping?.catch(() => {});
    await this.blobs.close();
  }
}
