/**
 * Newest-first reading of one conversation's messages: what a chat list
 * preview (the last message, the unread count) and a chat that opens at its
 * bottom and pages upwards need, without reading the whole log. Its own port
 * (LocalStore extends it) so the shared port stays as it was.
 *
 * - [WB1] `listRecentMessages` returns exactly the reverse of `listMessages`
 *   (LS4): unsent messages first (newest `sentAt` first), then by descending
 *   `seq`. `beforeSeq` keeps only sent messages with `seq < beforeSeq` (the
 *   next page up from the oldest one on screen); `limit` keeps the first
 *   `limit`. Both must be integers (limit >= 0), else INVALID_ARGUMENT.
 */
import { LocalStoreError } from "./errors.js";
import type { LocalMessage } from "./port.js";

export interface RecentListing {
  beforeSeq?: number;
  limit?: number;
}

export interface RecentMessagesPort {
  /** A conversation's messages, newest first (WB1). */
  listRecentMessages(conversationId: string, options?: RecentListing): Promise<LocalMessage[]>;
}

/** Validate listRecentMessages options; throws INVALID_ARGUMENT. */
export function checkRecentListing(options: RecentListing | undefined): {
  beforeSeq: number | undefined;
  limit: number | undefined;
} {
  const beforeSeq = options?.beforeSeq;
  const limit = options?.limit;
  if (beforeSeq !== undefined && !Number.isSafeInteger(beforeSeq)) {
    throw new LocalStoreError("INVALID_ARGUMENT", `beforeSeq must be an integer, got ${beforeSeq}`);
  }
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new LocalStoreError("INVALID_ARGUMENT", `limit must be a non-negative integer, got ${limit}`);
  }
  return { beforeSeq, limit };
}

/** True when a message belongs to the page above `beforeSeq`: unsent ones never do. */
export function isBefore(message: LocalMessage, beforeSeq: number | undefined): boolean {
  return beforeSeq === undefined || (message.seq !== null && message.seq < beforeSeq);
}
