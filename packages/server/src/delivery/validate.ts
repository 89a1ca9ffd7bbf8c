/** Checks on request fields shared by the delivery operations. Each throws a ProtocolError. */
import { LIMITS, ProtocolError, isClientMessageId, isConversationId } from "@switchboard/protocol";

export function requireConversationId(id: string): void {
  if (!isConversationId(id))
    throw new ProtocolError("INVALID_ARGUMENT", "conversation id must be 32-64 lower-case hex digits");
}

export function requireClientMessageId(id: string): void {
  if (!isClientMessageId(id))
    throw new ProtocolError("INVALID_ARGUMENT", "client message id must be 1-64 of A-Z a-z 0-9 _ -");
}

export function requireSize(bytes: Uint8Array, limit: number, what: string): void {
  if (bytes.length === 0) throw new ProtocolError("INVALID_ARGUMENT", `${what} is empty`);
  if (bytes.length > limit) throw new ProtocolError("TOO_LARGE", `${what} is over ${limit} bytes`);
}

export function clampLimit(requested: number, max: number): number {
  if (!Number.isFinite(requested) || requested <= 0) return max;
  return Math.min(Math.floor(requested), max);
}

export { LIMITS };

/** Room for an entry's or item's fields besides its payload, in an encoded page. */
const PER_ITEM_OVERHEAD = 256;

/**
 * A page from what the Store read with `readPage(limit + 1, LIMITS.maxPageBytes)`:
 * the longest prefix of at most `limit` items that fits in LIMITS.maxPageBytes
 * with its fields, never empty when `items` is not. The Store stops reading
 * right after the item that took it over the budget (port.ts readLog), so
 * whether more follows is whether anything was cut here. Every payload is
 * within a page (maxHandshakeBytes <= maxPageBytes), so a first item never
 * stops the read on its own.
 */
export function cutPage<T extends { payload: Uint8Array }>(
  items: T[],
  limit: number,
): { page: T[]; hasMore: boolean } {
  let bytes = 0;
  let count = 0;
  for (const item of items) {
    if (count >= limit) break;
    bytes += item.payload.length + PER_ITEM_OVERHEAD;
    if (count > 0 && bytes > LIMITS.maxPageBytes) break;
    count++;
  }
  return { page: items.slice(0, count), hasMore: count < items.length };
}
