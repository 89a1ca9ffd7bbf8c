/**
 * Disappearing messages in the store (SPEC XP5): a port of its own beside
 * LocalStore that every adapter implements.
 *
 * - [XP5] `listExpiredMessages(now, limit)` returns the messages whose
 *   `expiresAt` is at or before `now`, earliest expiry first (then
 *   conversation id, then id), at most `limit`; `nextExpiry` the earliest
 *   `expiresAt` stored, or null. Deleting them is an ordinary
 *   `deleteMessage` write (LS9: reactions go too, and the search index).
 * - [XP6] `scrub` makes what was deleted unrecoverable from the adapter's
 *   files: SQLite (secure_delete on) folds its WAL back into the database
 *   and truncates it, and merges the FTS5 index; in memory it does nothing.
 */
import type { LocalMessage, LocalStore } from "./port.js";

export interface MessageExpiryStore {
  listExpiredMessages(now: number, limit: number): Promise<LocalMessage[]>;
  nextExpiry(): Promise<number | null>;
  scrub(): Promise<void>;
}

export function supportsExpiry(store: LocalStore): store is LocalStore & MessageExpiryStore {
  const s = store as Partial<MessageExpiryStore>;
  return typeof s.listExpiredMessages === "function" && typeof s.scrub === "function";
}
