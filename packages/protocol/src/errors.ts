/**
 * The fixed list of error codes that travel on the wire (Error.code), and the
 * one error class that carries them in code. Callers branch on `code`.
 */
export const ERROR_CODES = [
  /** The frame could not be decoded, or is not valid at this point of the session. */
  "BAD_FRAME",
  /** The client speaks a protocol version the server does not. */
  "UNSUPPORTED_VERSION",
  /** The operation needs an authenticated device. */
  "UNAUTHENTICATED",
  /** A signature did not verify. */
  "BAD_SIGNATURE",
  /** A field is malformed (bad address, bad id, wrong kind ...). */
  "INVALID_ARGUMENT",
  /** A frame, field or batch is over its limit. */
  "TOO_LARGE",
  /** The address's app is not configured on this hub. */
  "UNKNOWN_APP",
  /** No such account, device or conversation (or not visible to you). */
  "NOT_FOUND",
  /** The thing already exists (account taken, direct conversation exists). */
  "ALREADY_EXISTS",
  /** The device is not a member of the conversation, or may not do this. */
  "FORBIDDEN",
  /** The receiving app does not accept contact from the sender's app. */
  "POLICY_DENIED",
  /** The app requires a verification code for registration. */
  "VERIFICATION_REQUIRED",
  /** The commit is not for the conversation's current epoch (DS1). */
  "EPOCH_CONFLICT",
  /** The account has a device with no key package left to claim. */
  "NO_KEY_PACKAGE",
  /** A link code that was valid has expired; start linking again. */
  "LINK_EXPIRED",
  /** The account has as many devices as its app allows. */
  "DEVICE_LIMIT",
  /** The account's last active device cannot be revoked. */
  "LAST_DEVICE",
  /** The device was revoked: it can no longer log in. */
  "DEVICE_REVOKED",
  /**
   * The conversation has a removal proposed by the hub (a revoked device)
   * that no commit has included yet; commit it, then send (DS9).
   */
  "PROPOSALS_PENDING",
  /** Too many requests; retry later. */
  "RATE_LIMITED",
  /** The server could not serve the request now (storage down, shutting down). */
  "UNAVAILABLE",
  /** A bug on the server. Never carries details. */
  "INTERNAL",
  /**
   * The entries asked for were pruned (every member had them, or they were
   * past the retention limit): rejoin the conversation by external commit;
   * its history before `firstSeq` is lost to this device.
   */
  "HISTORY_EXPIRED",
  /**
   * The device is over its storage quota (its own messages not yet pruned, or
   * its inbox): nothing was stored; retry once its recipients have caught up.
   */
  "QUOTA_EXCEEDED",
  /**
   * The account is a participant of as many conversations as the hub allows
   * (SPEC DS16): creating one more, or being added to one more, is refused.
   */
  "CONVERSATION_LIMIT",
  /**
   * Other people have added the account to as many groups as the hub allows
   * in an hour (SPEC DS16); try again later.
   */
  "GROUP_ADD_LIMIT",
  /** An attachment is larger than its app's per-file limit (HTTP 413 on upload; SPEC MD6). */
  "FILE_TOO_LARGE",
  /**
   * Only a group's admins may add, remove, rename or change its settings
   * (SPEC GR2), unless the group lets every member manage it.
   */
  "NOT_ADMIN",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const known = new Set<string>(ERROR_CODES);

export function isErrorCode(value: string): value is ErrorCode {
  return known.has(value);
}

export interface ProtocolErrorDetails {
  /** For EPOCH_CONFLICT: the conversation's current epoch. */
  currentEpoch?: number;
  /** For ALREADY_EXISTS on a direct conversation: the existing conversation. */
  existingId?: string;
  /** For HISTORY_EXPIRED: the conversation's first stored seq. */
  firstSeq?: number;
  /** For RATE_LIMITED: how long to wait before trying again, in milliseconds. */
  retryAfterMs?: number;
}

/** An error with a wire code. Thrown by the server's core, surfaced by the SDK. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ProtocolErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
