/**
 * Registration codes (SPEC DIR9): the hub makes them (node:crypto), stores
 * only a salted hash with an expiry, hands them to the app's Verifier for
 * delivery, and checks them in constant time, with few guesses per code and
 * few codes per address per hour, so a 6-digit code cannot be guessed.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { ProtocolError } from "@switchboard/protocol";
import type { Clock } from "../caller.js";
import type { AppConfig } from "../config/apps.js";
import type { Store } from "../store/port.js";
import { VerificationDeliveryError, type Verifier } from "./verifier.js";

export interface VerificationSettings {
  /** How long a code stays valid. Default 10 minutes. */
  codeTtlMs: number;
  /** Guesses allowed per code; the next one needs a new code. Default 5. */
  maxAttemptsPerCode: number;
  /** Codes issued per address per hour (rolling). Default 3. */
  maxCodesPerHour: number;
  /** How long the hub waits for an app's webhook. Default 5 s. */
  webhookTimeoutMs: number;
}

export const DEFAULT_VERIFICATION_SETTINGS: VerificationSettings = {
  codeTtlMs: 10 * 60_000,
  maxAttemptsPerCode: 5,
  maxCodesPerHour: 3,
  webhookTimeoutMs: 5_000,
};

const HOUR_MS = 60 * 60_000;
const CODE_DIGITS = 6;
/** Longer than any code we make: refused before it costs a guess or a hash. */
const MAX_CODE_LENGTH = 16;

export class VerificationCodes {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: VerificationSettings,
    /** The app's Verifier; undefined for an app with verification "none". */
    private readonly verifierOf: (app: AppConfig) => Verifier | undefined,
  ) {}

  /** Make a code for `address` on `app` and deliver it; resolves to when it expires. */
  async request(address: string, app: AppConfig): Promise<{ expiresAt: number }> {
    const verifier = this.verifierOf(app);
    if (verifier === undefined)
      throw new ProtocolError("INVALID_ARGUMENT", `${app.displayName} does not use verification codes`);
    const now = this.clock();
    const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, "0");
    const salt = randomBytes(16);
    const expiresAt = now + this.settings.codeTtlMs;
    const issued = await this.store.issueVerificationCode(
      { address, salt, codeHash: hashCode(salt, address, code), createdAt: now, expiresAt },
      now - HOUR_MS,
      this.settings.maxCodesPerHour,
    );
    if (issued === "too_many")
      throw new ProtocolError(
        "RATE_LIMITED",
        `at most ${this.settings.maxCodesPerHour} codes per hour for ${address}; try again later`,
      );
    const at = address.lastIndexOf("@");
    try {
      await verifier.deliver({ address, handle: address.slice(0, at), app: app.id, code });
    } catch (err) {
      if (err instanceof VerificationDeliveryError)
        throw new ProtocolError(
          "UNAVAILABLE",
          `${app.displayName} could not send the code; try again later`,
          {},
          {
            cause: err,
          },
        );
      throw err;
    }
    return { expiresAt };
  }

  /**
   * Use up the address's pending code if `code` is it; otherwise
   * VERIFICATION_REQUIRED (wrong, expired, none pending, or too many guesses).
   */
  async check(address: string, code: string): Promise<void> {
    if (code.length > MAX_CODE_LENGTH) throw new ProtocolError("INVALID_ARGUMENT", "that is not a code");
    const pending = await this.store.attemptVerificationCode(address, this.clock());
    if (pending === undefined)
      throw new ProtocolError("VERIFICATION_REQUIRED", "no code is pending for this address; request one");
    if (pending.attempts > this.settings.maxAttemptsPerCode)
      throw new ProtocolError("VERIFICATION_REQUIRED", "too many wrong codes; request a new one");
    // Both sides are HMACs of equal length: the comparison leaks nothing of the code.
    if (!timingSafeEqual(hashCode(pending.salt, address, code), pending.codeHash))
      throw new ProtocolError("VERIFICATION_REQUIRED", "the verification code is wrong");
    if (!(await this.store.consumeVerificationCode(pending.id)))
      throw new ProtocolError("VERIFICATION_REQUIRED", "this code was already used; request a new one");
  }
}

function hashCode(salt: Uint8Array, address: string, code: string): Uint8Array {
  return createHmac("sha256", salt).update(`${address}\0${code}`).digest();
}
