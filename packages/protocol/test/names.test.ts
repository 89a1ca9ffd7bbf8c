import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIMITS, normaliseDeviceName, normaliseDisplayName, normaliseName } from "../src/index.js";

const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
const forbidden = fc.oneof(
  fc.constantFrom(...BIDI),
  fc.integer({ min: 0, max: 0x1f }),
  fc.integer({ min: 0x7f, max: 0x9f }),
  fc.constantFrom(0x2028, 0x2029),
);
const safeText = fc.string({ unit: "grapheme", maxLength: 20 }).filter((s) => normaliseName(s, 1000).ok);

describe("names", () => {
  it("[DIR11] a name comes back in NFC, and normalising it again changes nothing", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (text) => {
        const once = normaliseName(text, 1000);
        if (!once.ok) return;
        expect(once.name).toBe(once.name.normalize("NFC"));
        expect(normaliseName(once.name, 1000)).toEqual(once);
      }),
    );
    // "é" as e + combining acute becomes the one precomposed code point.
    expect(normaliseDisplayName("Ame\u0301lie")).toEqual({ ok: true, name: "Am\u00e9lie" });
  });

  it("[DIR11] a control or bidi formatting character anywhere is refused", () => {
    fc.assert(
      fc.property(safeText, forbidden, safeText, (before, cp, after) => {
        const result = normaliseDisplayName(before + String.fromCodePoint(cp) + after);
        expect(result.ok).toBe(false);
      }),
    );
    expect(normaliseDisplayName("evil\u202Egnp.exe")).toMatchObject({ ok: false });
    expect(normaliseDeviceName("lap\u0000top")).toMatchObject({ ok: false });
    expect(normaliseDisplayName("\ud800")).toMatchObject({ ok: false });
  });

  it("[DIR11] lengths are bounded in code points after normalisation", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), (text) => {
        const result = normaliseDisplayName(text);
        if (result.ok) expect([...result.name].length).toBeLessThanOrEqual(LIMITS.maxDisplayNameLength);
      }),
    );
    // 64 decomposed é (128 code points) fit: NFC makes them 64.
    expect(normaliseDisplayName("e\u0301".repeat(64)).ok).toBe(true);
    expect(normaliseDisplayName("e".repeat(65)).ok).toBe(false);
    // Emoji with joiners and ordinary scripts pass.
    expect(normaliseDisplayName("Zoë 👩‍💻 محمد 李").ok).toBe(true);
  });
});
