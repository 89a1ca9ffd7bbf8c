/**
 * The one error class LocalStore adapters throw on purpose. Callers branch on
 * `code`; anything else that escapes an adapter (a full disk, a corrupt file)
 * is a plain Error from the driver.
 */
export type LocalStoreErrorCode =
  /** A message or outbox item names a conversation that is not stored (LS2). */
  | "UNKNOWN_CONVERSATION"
  /** A call's argument is out of its domain (e.g. a negative limit). */
  | "INVALID_ARGUMENT"
  /** The store was closed (LS7). */
  | "CLOSED"
  /** The database was written by a newer SDK whose schema this one does not know. */
  | "UNSUPPORTED_SCHEMA"
  /** A group state read earlier was asked for its parts after a newer state was stored (ST45). */
  | "STALE_STATE";

export class LocalStoreError extends Error {
  override name = "LocalStoreError";
  constructor(
    readonly code: LocalStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function unknownConversation(conversationId: string): LocalStoreError {
  return new LocalStoreError("UNKNOWN_CONVERSATION", `no conversation ${conversationId} is stored`);
}

export function closedStore(): LocalStoreError {
  return new LocalStoreError("CLOSED", "the local store is closed");
}
