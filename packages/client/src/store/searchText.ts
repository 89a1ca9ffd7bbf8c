/**
 * What "matches" means for message search (XP8), once for every adapter:
 * words are runs of letters and digits, compared without case or accents; a
 * query term matches a word it starts. SQLite's FTS5 (tokenizer unicode61,
 * prefix queries) says the same; the memory and IndexedDB adapters scan with
 * `matchesQuery`.
 */
import type { LocalMessage } from "./port.js";

/** The words of `text`, folded: NFKD, marks dropped, lower case. */
export function searchWords(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
}

export function matchesQuery(text: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return false;
  const words = searchWords(text);
  return terms.every((term) => words.some((word) => word.startsWith(term)));
}

/** The FTS5 MATCH expression: each term a quoted prefix phrase, all required. */
export function ftsQuery(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"*`).join(" ");
}

/** Newest first: the hub's time (or, unsent, the sender's), then conversation, then id. */
export function compareSearchResults(a: LocalMessage, b: LocalMessage): number {
  const at = (m: LocalMessage) => m.serverTime ?? m.sentAt;
  return (
    at(b) - at(a) ||
    (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Earliest expiry first, then conversation, then id (XP5). */
export function compareExpiry(a: LocalMessage, b: LocalMessage): number {
  return (
    (a.expiresAt ?? 0) - (b.expiresAt ?? 0) ||
    (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function checkSearchLimit(limit: number | undefined, fallback: number): number {
  const n = limit ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`limit must be a non-negative integer, got ${n}`);
  return n;
}

/** XP8 by scanning every message (memory and IndexedDB adapters). */
export function scanSearch(messages: Iterable<LocalMessage>, query: string, limit: number): LocalMessage[] {
  const terms = searchWords(query);
  const found: LocalMessage[] = [];
  for (const m of messages) if (!m.deleted && matchesQuery(m.text, terms)) found.push(m);
  return found.sort(compareSearchResults).slice(0, limit);
}

/** XP5 by scanning every message. */
export function scanExpired(messages: Iterable<LocalMessage>, now: number, limit: number): LocalMessage[] {
  const found: LocalMessage[] = [];
  for (const m of messages) if (m.expiresAt !== null && m.expiresAt <= now) found.push(m);
  return found.sort(compareExpiry).slice(0, limit);
}

export function scanNextExpiry(messages: Iterable<LocalMessage>): number | null {
  let next: number | null = null;
  for (const m of messages)
    if (m.expiresAt !== null && (next === null || m.expiresAt < next)) next = m.expiresAt;
  return next;
}
