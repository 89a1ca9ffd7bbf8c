/**
 * Names people give themselves and their devices (display names, device
 * names): normalised to NFC so one name has one spelling, and refused when
 * they carry characters that make text lie about itself: control characters,
 * and the bidirectional formatting characters that reorder what is shown
 * ("Trojan Source", CVE-2021-42574). Lengths are counted after normalisation,
 * in code points. Pure, so the SDK checks before it sends and the hub checks
 * again at its edge (SPEC DIR11).
 */
import { LIMITS } from "./limits.js";

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

/**
 * C0/C1 controls (\p{Cc}), line and paragraph separators, and every bidi
 * formatting character: ALM U+061C, LRM/RLM U+200E-F, the embeddings and
 * overrides U+202A-E, and the isolates U+2066-9.
 */
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Normalise `text` as a name of at most `maxLength` code points, or say why it cannot be one. */
export function normaliseName(text: string, maxLength: number): NameCheck {
  // With the u flag a lone surrogate is a code point of category Cs.
  if (/\p{Cs}/u.test(text)) return { ok: false, reason: "a name must be well-formed Unicode" };
  const name = text.normalize("NFC");
  const bad = FORBIDDEN.exec(name);
  if (bad !== null) {
    const hex = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return { ok: false, reason: `a name may not contain control or bidi characters (U+${hex})` };
  }
  let length = 0;
  for (const _ of name) length++;
  if (length > maxLength) return { ok: false, reason: `a name is at most ${maxLength} characters` };
  return { ok: true, name };
}

export function normaliseDisplayName(text: string): NameCheck {
  return normaliseName(text, LIMITS.maxDisplayNameLength);
}

export function normaliseDeviceName(text: string): NameCheck {
  return normaliseName(text, LIMITS.maxDeviceNameLength);
}
