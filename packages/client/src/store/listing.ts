/**
 * How lists come out of a LocalStore (rule LS4 in port.ts), in one place so
 * every adapter agrees: the memory adapter sorts with these comparators, the
 * SQL adapters say the same thing in ORDER BY.
 */
import { LocalStoreError } from "./errors.js";
import type { LocalConversation, LocalMessage, LocalReaction, OutboxItem } from "./port.js";

export interface MessageListing {
  afterSeq: number | undefined;
  limit: number | undefined;
}

/** Validate listMessages options; throws INVALID_ARGUMENT. */
export function checkMessageListing(
  options: { afterSeq?: number; limit?: number } | undefined,
): MessageListing {
  const afterSeq = options?.afterSeq;
  const limit = options?.limit;
  if (afterSeq !== undefined && !Number.isSafeInteger(afterSeq)) {
    throw new LocalStoreError("INVALID_ARGUMENT", `afterSeq must be an integer, got ${afterSeq}`);
  }
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new LocalStoreError("INVALID_ARGUMENT", `limit must be a non-negative integer, got ${limit}`);
  }
  return { afterSeq, limit };
}

/** True when a message belongs after `afterSeq`: unsent messages always do. */
export function isAfter(message: LocalMessage, afterSeq: number | undefined): boolean {
  return afterSeq === undefined || message.seq === null || message.seq > afterSeq;
}

// Code-unit order, like SQLite's default BINARY collation for the ASCII ids we store.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ascending seq, unsent (seq null) last by sentAt then id. */
export function compareMessages(a: LocalMessage, b: LocalMessage): number {
  if (a.seq !== b.seq) {
    if (a.seq === null) return 1;
    if (b.seq === null) return -1;
    return a.seq - b.seq;
  }
  return a.sentAt - b.sentAt || compareText(a.id, b.id);
}

export function compareOutbox(a: OutboxItem, b: OutboxItem): number {
  return a.createdAt - b.createdAt || compareText(a.clientMessageId, b.clientMessageId);
}

/** Most recently updated first, as a chat list shows them. */
export function compareConversations(
  a: Pick<LocalConversation, "updatedAt" | "id">,
  b: Pick<LocalConversation, "updatedAt" | "id">,
): number {
  return b.updatedAt - a.updatedAt || compareText(a.id, b.id);
}

/** A message's reactions: oldest first, then by person (LS8). */
export function compareReactions(a: LocalReaction, b: LocalReaction): number {
  return a.at - b.at || compareText(a.senderAddress, b.senderAddress);
}
