/**
 * Search over this device's own decrypted messages (SPEC XP8), a port of its
 * own beside LocalStore that every adapter implements: SQLite with an FTS5
 * index, memory and IndexedDB by a scan with the same matcher
 * (store/searchText.ts), so all three answer alike.
 *
 * - [XP8] `searchMessages` returns the stored messages, of every
 *   conversation, in which every term of `query` starts a word of the text
 *   (case and accents ignored), newest first (`serverTime`, else `sentAt`,
 *   descending; then conversation id, then id), at most `limit` (default 50).
 *   A deleted, expired or deleted-for-me message is never found; an edited
 *   one is found by its new text only. A query with no word finds nothing.
 */
import type { LocalMessage, LocalStore } from "./port.js";

export interface MessageSearchStore {
  searchMessages(query: string, options?: { limit?: number }): Promise<LocalMessage[]>;
}

export const DEFAULT_SEARCH_LIMIT = 50;

export function supportsSearch(store: LocalStore): store is LocalStore & MessageSearchStore {
  return typeof (store as Partial<MessageSearchStore>).searchMessages === "function";
}
