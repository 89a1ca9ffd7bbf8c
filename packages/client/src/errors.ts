/**
 * The SDK's errors. Wire errors arrive as ProtocolError (with the server's
 * code); errors the SDK raises itself use ClientError. Both carry `code`.
 */
import { ProtocolError } from "@switchboard/protocol";

export { ProtocolError, type ErrorCode } from "@switchboard/protocol";

/**
 * The hub refused a request as over one of its rate limits (SPEC EG4). It is a
 * ProtocolError with code RATE_LIMITED; `retryAfterMs` says how long to wait
 * before the same request can succeed (0 when the hub did not say).
 */
export class RateLimitedError extends ProtocolError {
  override name = "RateLimitedError";
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super("RATE_LIMITED", message, { retryAfterMs });
  }
}

export type ClientErrorCode =
  | "NOT_REGISTERED"
  | "ALREADY_REGISTERED"
  | "NOT_CONNECTED"
  | "TIMEOUT"
  | "UNKNOWN_CONVERSATION"
  | "NOT_A_MEMBER"
  | "CLOSED"
  | "PROFILE_IN_USE"
  /** Something another device sent does not verify (signature, approval chain, link code). */
  | "UNTRUSTED"
  /** This device was revoked from its account: it can no longer log in. */
  | "REVOKED"
  /** Linking did not complete (the approval never came, or the new device never connected). */
  | "LINK_FAILED"
  /** Another tab took this browser profile over (Web Locks steal): this client was closed. */
  | "PROFILE_TAKEN_OVER"
  /** An argument the SDK refuses before sending anything (an empty message, an empty reaction). */
  | "INVALID_ARGUMENT"
  /** No message with that id in the conversation (SPEC CT10-CT11). */
  | "UNKNOWN_MESSAGE"
  /** Only a message's sender may edit it or delete it for everyone (SPEC CT10-CT11). */
  | "NOT_SENDER"
  /** Past the window for editing (24 h) or deleting for everyone (48 h) (SPEC CT10-CT11). */
  | "TOO_LATE"
  /** A message may be edited at most 10 times (SPEC CT10). */
  | "TOO_MANY_EDITS"
  /** The conversation is not a pending message request (SPEC PP4). */
  | "NOT_A_REQUEST"
  /** The message was deleted for everyone (SPEC CT11). */
  | "MESSAGE_DELETED"
  /** No hub answered within the client's connectTimeoutMs (SPEC CL2): "hub unreachable at URL". */
  | "HUB_UNREACHABLE"
  /** Only the group's admins may add, remove, rename or change its settings (SPEC GR2). */
  | "NOT_ADMIN";

export class ClientError extends Error {
  override name = "ClientError";
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
