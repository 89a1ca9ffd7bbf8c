/**
 * Media settings (SPEC MD6, MD7). Passed to the hub as `HubOptions.media.settings`;
 * every limit here has a typed error or a sweeper behind it.
 */
export interface MediaSettings {
  /** Largest attachment (ciphertext bytes) an app's users may upload, unless the app has its own below. */
  maxFileBytes: number;
  /** Per app id: its own per-file limit, replacing maxFileBytes. */
  maxFileBytesByApp: Readonly<Record<string, number>>;
  /** Declared sizes of an account's stored blobs, summed, may not pass this. */
  accountQuotaBytes: number;
  /** No blob outlives this from its creation; a client may ask for less. */
  maxBlobLifetimeMs: number;
  /** An upload its owner never marked as sent (CompleteBlob) is deleted this long after its creation. */
  orphanAfterMs: number;
  /** An upload token is refused this long after it was issued. */
  uploadTokenTtlMs: number;
  /** How often the sweeper looks for expired and orphaned blobs. */
  sweepIntervalMs: number;
}

const MB = 1024 * 1024;
const DAY = 24 * 60 * 60 * 1000;

export const DEFAULT_MEDIA_SETTINGS: MediaSettings = {
  maxFileBytes: 100 * MB,
  maxFileBytesByApp: {},
  accountQuotaBytes: 2048 * MB,
  maxBlobLifetimeMs: 30 * DAY,
  orphanAfterMs: DAY,
  uploadTokenTtlMs: 10 * 60 * 1000,
  sweepIntervalMs: 10 * 60 * 1000,
};

export function maxFileBytesFor(settings: MediaSettings, app: string): number {
  return settings.maxFileBytesByApp[app] ?? settings.maxFileBytes;
}
