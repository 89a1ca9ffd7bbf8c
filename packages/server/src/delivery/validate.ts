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
