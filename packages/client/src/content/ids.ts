/**
 * Message ids as SPEC CT2 says: computed over the message's exact bytes from
 * the AUTHENTICATED sender (the MLS sender's credential address) and the
 * conversation, never from anything the message says about itself. The SDK's
 * API shows them as lowercase hex.
 */
import { fromHex, mimiMessageId, roomUri, toHex, userUri } from "@switchboard/protocol";

export function contentMessageId(
  senderAddress: string,
  conversationId: string,
  bytes: Uint8Array,
  salt: Uint8Array,
): string {
  return toHex(mimiMessageId(userUri(senderAddress), roomUri(conversationId), bytes, salt));
}

/** A MIMI message id (32 bytes) as 64 hex digits; anything else is not one. */
export function isContentMessageId(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

export function idBytes(id: string): Uint8Array {
  if (!isContentMessageId(id)) throw new RangeError(`not a MIMI message id: ${id}`);
  return fromHex(id);
}
