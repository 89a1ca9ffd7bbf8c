/**
 * Addresses: one person on one app, written `handle@app`. The handle is
 * validated and normalised by the app's identity kind, so the same person
 * always has the same address however it was typed:
 *   phone    -> E.164 ("+1 (415) 555-0100" -> "+14155550100")
 *   username -> case-folded ("Alice" -> "alice")
 *   email    -> case-folded, trimmed ("Alice@Example.com")
 * An email handle contains "@" itself, so the app is what follows the LAST "@".
 */
import { parsePhoneNumberWithError } from "libphonenumber-js";
import { LIMITS } from "./limits.js";

export const IDENTITY_KINDS = ["phone", "username", "email"] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export interface Address {
  readonly handle: string;
  readonly app: string;
}

export type AddressResult = { ok: true; address: Address } | { ok: false; reason: string };

const APP_ID = /^[a-z][a-z0-9-]{0,31}$/;
const USERNAME = /^[a-z0-9._]{1,30}$/;
// Deliberately plain: one "@", a dotted domain, no spaces. Deliverability is the
// app's verification step, not a regex's. The local part is ASCII (RFC 5322
// atext and dots), like the domain: anything wider would let control, bidi
// and invisible characters ("alice\u200b@...") or lookalike letters make a
// second address that prints the same as someone else's.
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)+$/;

export function isAppId(value: string): boolean {
  return APP_ID.test(value);
}

/** Split "handle@app" without judging the handle. */
export function splitAddress(text: string): AddressResult {
  const at = text.lastIndexOf("@");
  if (at <= 0 || at === text.length - 1) return { ok: false, reason: "an address is handle@app" };
  const handle = text.slice(0, at).trim();
  const app = text
    .slice(at + 1)
    .trim()
    .toLowerCase();
  if (!isAppId(app)) return { ok: false, reason: `"${app}" is not an app id` };
  if (handle.length === 0 || handle.length > LIMITS.maxHandleLength * 2) {
    return { ok: false, reason: "the handle is empty or too long" };
  }
  return { ok: true, address: { handle, app } };
}

/** Validate and normalise a handle for an identity kind. */
export function normaliseHandle(
  kind: IdentityKind,
  raw: string,
): { ok: true; handle: string } | { ok: false; reason: string } {
  const text = raw.trim();
  switch (kind) {
    case "phone": {
      if (!text.startsWith("+"))
        return { ok: false, reason: "a phone number starts with + and its country code" };
      try {
        // extract: false takes the whole text as the number; the default would
        // pick a number out of "+1 415 555 0100 call me" and drop the rest.
        const phone = parsePhoneNumberWithError(text, { extract: false });
        if (!phone.isPossible()) return { ok: false, reason: "not a possible phone number" };
        // An extension is a line behind a shared number: keeping only the
        // number would give everyone behind it the same address.
        if (phone.ext !== undefined) {
          return { ok: false, reason: "a phone number with an extension is not a personal number" };
        }
        return { ok: true, handle: phone.number };
      } catch {
        return { ok: false, reason: "not a phone number" };
      }
    }
    case "username": {
      const handle = text.toLowerCase();
      if (!USERNAME.test(handle)) return { ok: false, reason: "a username is 1-30 of a-z, 0-9, '.' and '_'" };
      return { ok: true, handle };
    }
    case "email": {
      const handle = text.toLowerCase();
      if (handle.length > LIMITS.maxHandleLength || !EMAIL.test(handle))
        return { ok: false, reason: "not an email address" };
      return { ok: true, handle };
    }
  }
}

export function formatAddress(address: Address): string {
  return `${address.handle}@${address.app}`;
}
