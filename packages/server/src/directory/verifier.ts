/**
 * The Verifier port: how a registration code reaches the person who claims a
 * phone number or email (SPEC DIR9). The hub makes, stores and checks the
 * codes (verificationCodes.ts); a Verifier only delivers them. Each app picks
 * one in config: `none` (no codes: the demo apps), `log` (development: the
 * code goes to the hub's log) or `webhook` (the app's own service sends the
 * SMS or email).
 */
import type { AppConfig } from "../config/apps.js";

export interface VerificationMessage {
  /** The normalised address, "handle@app". */
  address: string;
  handle: string;
  app: string;
  code: string;
}

export interface Verifier {
  /** Resolves once the code is on its way; rejects with VerificationDeliveryError if it cannot be. */
  deliver(message: VerificationMessage): Promise<void>;
}

/** The code could not be handed to the app's delivery service; the caller may ask again. */
export class VerificationDeliveryError extends Error {
  override name = "VerificationDeliveryError";
}

/** Writes the code to the hub's log: for development only, where the log is the developer's screen. */
export function logVerifier(log: { warn(obj: object, msg: string): void }): Verifier {
  return {
    async deliver(message) {
      log.warn({ verification: message }, `verification code for ${message.address}: ${message.code}`);
    },
  };
}

export interface WebhookOptions {
  /** Give up on the app's service after this long. */
  timeoutMs: number;
  /** For tests; globalThis.fetch otherwise. */
  fetch?: typeof globalThis.fetch;
}

/**
 * POSTs `{address, handle, app, code}` as JSON to the app's URL, which sends
 * the SMS or email. Anything but a 2xx answer within the timeout is a
 * VerificationDeliveryError. The body of the answer is never read into a log:
 * it is the app's, and may echo the code.
 */
export function webhookVerifier(url: string, options: WebhookOptions): Verifier {
  const post = options.fetch ?? globalThis.fetch;
  return {
    async deliver(message) {
      let response: Response;
      try {
        response = await post(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(options.timeoutMs),
          redirect: "error",
        });
      } catch (err) {
        throw new VerificationDeliveryError(`the verification webhook did not answer: ${String(err)}`, {
          cause: err,
        });
      }
      await response.body?.cancel();
      if (!response.ok)
        throw new VerificationDeliveryError(`the verification webhook answered HTTP ${response.status}`);
    },
  };
}

/** The verifier each app's config asks for; undefined for `none`. */
export function verifierFor(
  app: AppConfig,
  log: { warn(obj: object, msg: string): void },
  webhookTimeoutMs: number,
): Verifier | undefined {
  switch (app.verification) {
    case "none":
      return undefined;
    case "log":
      return logVerifier(log);
    case "webhook":
      if (app.verificationWebhook === undefined)
        throw new Error(`app ${app.id} uses a verification webhook but names no URL`);
      return webhookVerifier(app.verificationWebhook, { timeoutMs: webhookTimeoutMs });
  }
}
