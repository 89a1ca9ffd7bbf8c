/**
 * Storage bounds (issue 14, item 10): how long the log keeps entries, and how
 * much one device may have queued. Settings with their defaults, and the pure
 * policy that turns the clock and the settings into what the pruner may cut.
 */
import type { PruneCut } from "../store/port.js";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const MIB = 1024 * 1024;

export interface StorageSettings {
  /**
   * An entry every member device has acknowledged is pruned once it is this
   * old (ms), so a device that acked on one connection and refetches on
   * another still finds it. Default 24 h.
   */
  pruneGraceMs: number;
  /** Entries and inbox items older than this (ms) are pruned, whatever the cursors. Default 30 days. */
  retentionMs: number;
  /** How often the pruner runs (ms). Default 10 min. */
  pruneIntervalMs: number;
  /** At most this many log entries are read and deleted per pruning step (one short write). Default 1000. */
  pruneBatchEntries: number;
  /** At most this many conversations are visited per pruning step. Default 500. */
  pruneBatchConversations: number;
  /** Bytes of its own application messages a device may have stored and not yet pruned. Default 256 MiB. */
  maxQueuedBytesPerDevice: number;
  /** Bytes a device's inbox may hold; a device message over it is refused (QUOTA_EXCEEDED). Default 64 MiB. */
  maxInboxBytesPerDevice: number;
}

export const DEFAULT_STORAGE_SETTINGS: Readonly<StorageSettings> = Object.freeze({
  pruneGraceMs: DAY_MS,
  retentionMs: 30 * DAY_MS,
  pruneIntervalMs: 10 * 60 * 1000,
  pruneBatchEntries: 1000,
  pruneBatchConversations: 500,
  maxQueuedBytesPerDevice: 256 * MIB,
  maxInboxBytesPerDevice: 64 * MIB,
});

/** Settings given in part, completed from the defaults and checked. */
export function storageSettings(partial: Partial<StorageSettings> = {}): StorageSettings {
  const settings = { ...DEFAULT_STORAGE_SETTINGS, ...partial };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new RangeError(`storage setting ${name} must be a positive integer, got ${String(value)}`);
  }
  return settings;
}

/**
 * [ST26] What may be pruned at `now`: acknowledged entries older than the
 * grace period, and everything older than the retention limit. The grace
 * period never outlasts retention (an entry past retention goes either way).
 */
export function pruneCut(
  now: number,
  settings: Pick<StorageSettings, "pruneGraceMs" | "retentionMs">,
): PruneCut {
  const grace = Math.min(settings.pruneGraceMs, settings.retentionMs);
  return { ackedBefore: now - grace, expiredBefore: now - settings.retentionMs };
}
