/** Addresses: splitting "handle@app" and normalising handles per identity kind. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatAddress,
  IDENTITY_KINDS,
  normaliseHandle,
  splitAddress,
  type IdentityKind,
} from "../src/index.js";

const handleOf = (kind: IdentityKind, raw: string): string | undefined => {
  const result = normaliseHandle(kind, raw);
  return result.ok ? result.handle : undefined;
};

describe("splitAddress", () => {
  it("splits handle and app", () => {
    expect(splitAddress("alice@instagram")).toEqual({
      ok: true,
      address: { handle: "alice", app: "instagram" },
    });
    expect(splitAddress("+14155550100@whatsapp")).toEqual({
      ok: true,
      address: { handle: "+14155550100", app: "whatsapp" },
    });
  });

  it("splits an email handle at the last @", () => {
    expect(splitAddress("alice@example.com@messenger")).toEqual({
      ok: true,
      address: { handle: "alice@example.com", app: "messenger" },
    });
    expect(splitAddress("a@b@c@messenger")).toMatchObject({
      ok: true,
      address: { handle: "a@b@c", app: "messenger" },
    });
  });

  it("trims both parts and lower-cases the app, leaving the handle to normaliseHandle", () => {
    expect(splitAddress("  Alice @ Instagram ")).toEqual({
      ok: true,
      address: { handle: "Alice", app: "instagram" },
    });
  });

  it.each([
    ["", "empty"],
    ["alice", "no @"],
    ["@instagram", "no handle"],
    ["alice@", "no app"],
    ["   @instagram", "a blank handle"],
    ["alice@insta gram", "a space in the app"],
    ["alice@1app", "an app id starting with a digit"],
    ["alice@insta_gram", "an underscore in the app"],
    [`alice@${"a".repeat(33)}`, "an app id over 32 characters"],
    [`${"a".repeat(129)}@instagram`, "a handle over twice the handle limit"],
  ])("refuses %j (%s)", (text) => {
    const result = splitAddress(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length > 0).toBe(true);
  });

  it("splits any formatted address back into its parts", () => {
    const app = fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/);
    const handle = fc
      .string({ unit: "binary", minLength: 1, maxLength: 128 })
      .filter((h) => h === h.trim() && h.length > 0);
    fc.assert(
      fc.property(handle, app, (h, a) => {
        expect(splitAddress(formatAddress({ handle: h, app: a }))).toEqual({
          ok: true,
          address: { handle: h, app: a },
        });
      }),
    );
  });
});

describe("normaliseHandle: phone", () => {
  it.each([
    "+14155550100",
    "+1 415 555 0100",
    "+1 (415) 555-0100",
    "+1-415-555-0100",
    "+1.415.555.0100",
    "+1 415-555-0100",
    "  +1 415 555 0100  ",
    "+1 (415 555-0100",
  ])("normalises %j to E.164", (raw) => {
    expect(normaliseHandle("phone", raw)).toEqual({ ok: true, handle: "+14155550100" });
  });

  it("normalises other countries too", () => {
    expect(handleOf("phone", "+44 20 7946 0958")).toBe("+442079460958");
  });

  it.each(["14155550100", "1 415 555 0100", "(415) 555-0100", "tel:+14155550100", "00 1 415 555 0100"])(
    "refuses %j: no leading + and country code",
    (raw) => {
      expect(normaliseHandle("phone", raw)).toMatchObject({ ok: false });
    },
  );

  it.each([
    "",
    "+",
    "++14155550100",
    "+abc",
    "+1",
    "+1 555",
    "+1415555010099999",
    "+1 415 555 0100 7",
    "+1 415 555 0100 abc",
    "+1 415 555 0100 call me",
    "+1 415 555 0100\u202e",
    "+1 415 555 0100 ext. 12",
    "+1 415 555 0100;ext=5",
    "+1\u0000415 555 0100",
  ])("refuses %j", (raw) => {
    expect(normaliseHandle("phone", raw)).toMatchObject({ ok: false });
  });
});

describe("normaliseHandle: username", () => {
  it("case-folds and trims", () => {
    expect(normaliseHandle("username", " Alice.Smith_99 ")).toEqual({ ok: true, handle: "alice.smith_99" });
  });

  it("takes 1 to 30 characters", () => {
    expect(handleOf("username", "a")).toBe("a");
    expect(handleOf("username", "a".repeat(30))).toBe("a".repeat(30));
    expect(handleOf("username", "a".repeat(31))).toBeUndefined();
  });

  it.each([
    "",
    "   ",
    "alice smith",
    "alice-smith",
    "al!ce",
    "alice@x",
    "ålice",
    "аlice" /* Cyrillic а */,
    "alice\u200b",
  ])("refuses %j", (raw) => {
    expect(normaliseHandle("username", raw)).toMatchObject({ ok: false });
  });

  it("accepts any allowed name in any case, and normalising again changes nothing", () => {
    const name = fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"),
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(name, (raw) => {
        const handle = handleOf("username", raw);
        expect(handle).toBe(raw.toLowerCase());
        expect(handleOf("username", handle!)).toBe(handle);
      }),
    );
  });
});

describe("normaliseHandle: email", () => {
  it("case-folds and trims", () => {
    expect(normaliseHandle("email", "  Alice@Example.COM ")).toEqual({
      ok: true,
      handle: "alice@example.com",
    });
    expect(handleOf("email", "First.Last+tag@Sub.Example.co.uk")).toBe("first.last+tag@sub.example.co.uk");
  });

  it("takes up to the 64-character handle limit", () => {
    const longest = `${"a".repeat(52)}@example.com`;
    expect(handleOf("email", longest)).toBe(longest);
  });

  it.each([
    ["", "empty"],
    ["alice", "no @"],
    ["alice@", "no domain"],
    ["@example.com", "no local part"],
    ["alice@example", "an undotted domain"],
    ["alice@@example.com", "two @"],
    ["a b@example.com", "a space"],
    ["alice@exa mple.com", "a space in the domain"],
    ["alice@example.com.", "a trailing dot"],
    ["alice@exämple.com", "a non-ASCII domain"],
    [`${"a".repeat(53)}@example.com`, "65 characters, over the handle limit"],
    ["alice\u200b@example.com", "a zero-width space"],
    ["ali\u202ece@example.com", "a bidi override"],
    ["a\u0000b@example.com", "a NUL"],
    ["a\u001b[2Jb@example.com", "a terminal escape"],
    ["ålice@example.com", "a non-ASCII letter"],
    ["аlice@example.com", "a Cyrillic lookalike"],
  ])("refuses %j (%s)", (raw) => {
    expect(normaliseHandle("email", raw)).toMatchObject({ ok: false });
  });

  it("accepts generated addresses within the limit, in any case, and normalising again changes nothing", () => {
    const email = fc.emailAddress({ size: "small" }).filter((e) => e.length <= 64);
    const caseFlips = fc.array(fc.boolean(), { maxLength: 64 });
    fc.assert(
      fc.property(email, caseFlips, (address, flips) => {
        const mixed = [...address].map((ch, i) => (flips[i] ? ch.toUpperCase() : ch)).join("");
        const handle = handleOf("email", mixed);
        expect(handle).toBe(address.toLowerCase());
        expect(handleOf("email", handle!)).toBe(handle);
      }),
    );
  });

  it("refuses an address with any character outside printable ASCII", () => {
    const outside = fc
      .oneof(fc.integer({ min: 0, max: 0x20 }), fc.integer({ min: 0x7f, max: 0x10ffff }))
      .filter((code) => code < 0xd800 || code > 0xdfff)
      .map((code) => String.fromCodePoint(code))
      .filter((ch) => ch.trim() === ch && ch.toLowerCase() === ch && /[^\x21-\x7e]/.test(ch.toLowerCase()));
    fc.assert(
      fc.property(fc.nat({ max: 5 }), outside, (at, ch) => {
        const raw = `alice${"x".repeat(at)}${ch}bob@example.com`;
        expect(normaliseHandle("email", raw)).toMatchObject({ ok: false });
      }),
    );
  });
});

describe("normaliseHandle, every kind", () => {
  it("is idempotent: a normalised handle normalises to itself", () => {
    const raw = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.stringMatching(/^ ?\+[0-9 ().-]{4,20}$/),
      fc.emailAddress(),
    );
    fc.assert(
      fc.property(fc.constantFrom(...IDENTITY_KINDS), raw, (kind, text) => {
        const once = handleOf(kind, text);
        if (once !== undefined) expect(handleOf(kind, once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });
});
