/**
 * The one error class the GroupEngine throws. Callers branch on `code`; the
 * ts-mls error that caused it, if any, is the `cause`.
 */
import { CodecError, CryptoError, CryptoVerificationError, ValidationError } from "./tsMlsInternals.js";

export const MLS_ERROR_CODES = [
  /** The bytes are not the MLS message expected here. */
  "MLS_DECODE_FAILED",
  /** The message belongs to another group. */
  "MLS_WRONG_GROUP",
  /** The message is for an epoch this state cannot process (future, or past and no longer retained). */
  "MLS_WRONG_EPOCH",
  /** An application message did not decrypt or authenticate. */
  "MLS_DECRYPT_FAILED",
  /** A commit, Welcome or GroupInfo failed validation (signature, tree, confirmation tag ...). */
  "MLS_INVALID_MESSAGE",
  /** A key package given to createCommit was refused (signature, lifetime, duplicate member ...). */
  "MLS_INVALID_KEY_PACKAGE",
  /**
   * A credential is not "<address>/<deviceId>" with a valid address, or its key
   * is not the device's: this device's identity, or a leaf arriving in a commit
   * or a Welcome (the hub's credential included: it never names a member).
   */
  "MLS_INVALID_CREDENTIAL",
  /** This device is no longer a member of the group. */
  "MLS_NOT_MEMBER",
  /** This device sent the message: its own messages cannot be processed (RFC 9420 §6.3.2 ratchets forward). */
  "MLS_OWN_MESSAGE",
  /** No stored key package matches the Welcome. */
  "MLS_KEY_PACKAGE_NOT_FOUND",
  /**
   * Valid MLS that Switchboard does not use: proposals other than the hub's
   * Remove, proposal types other than Add and Remove in commits, encrypted
   * handshakes, other ciphersuites.
   */
  "MLS_UNSUPPORTED",
  /**
   * encrypt: the state holds proposals no commit has carried yet (the hub's
   * removal of a revoked device). Commit them first (createCommit with an
   * empty change), or wait for another member's commit.
   */
  "MLS_PROPOSALS_PENDING",
  /** The state is not one this engine made, is corrupt, or belongs to another device. */
  "MLS_INVALID_STATE",
  /** A caller mistake: removing oneself, removing a non-member, an empty group id ... */
  "MLS_INVALID_ARGUMENT",
  /** Anything else: a bug, here or in ts-mls. */
  "MLS_INTERNAL",
  /**
   * A hub Remove proposal without a revocation signed by a device of the
   * removed device's account (SPEC DIR14): refused, never committed.
   */
  "MLS_REMOVAL_NOT_SIGNED",
  /**
   * A commit that adds, removes another account's device or changes the
   * GroupContext extensions, by a member who is not an admin of a group that
   * keeps management to its admins (SPEC GR2).
   */
  "MLS_NOT_ADMIN",
] as const;

export type MlsErrorCode = (typeof MLS_ERROR_CODES)[number];

export class MlsEngineError extends Error {
  override name = "MlsEngineError";

  constructor(
    readonly code: MlsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Wrap a failure while handling `what` as `code`. Our own errors pass through.
 * Everything else, ts-mls's or not, becomes `code`: on untrusted input a
 * malformed message can surface as any exception, and the caller's decision
 * (drop it, resync, report) is the same. The original stays as `cause`.
 */
export function engineError(err: unknown, code: MlsErrorCode, what: string): MlsEngineError {
  if (err instanceof MlsEngineError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new MlsEngineError(code, `${what}: ${detail}`, { cause: err });
}

/** True for ts-mls's verdicts on bad input (as opposed to usage or internal errors). */
export function isRejection(err: unknown): boolean {
  return (
    err instanceof ValidationError ||
    err instanceof CodecError ||
    err instanceof CryptoError ||
    err instanceof CryptoVerificationError
  );
}
