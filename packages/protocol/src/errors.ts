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
  /** An attachment is larger than its app's per-file limit (HTTP 413 on upload; SPEC MD6). */
  "FILE_TOO_LARGE",
  /** The account's stored attachments would pass its quota (HTTP 413 on upload; SPEC MD6). */
  "QUOTA_EXCEEDED",
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
