/** Identifiers: base32, hex, device ids and the id formats the hub accepts. */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEVICE_ID_PATTERN,
  base32,
  deviceIdFromKeyDigest,
  fromHex,
  isClientMessageId,
  isConversationId,
  isDeviceId,
  isHexOf,
  toHex,
} from "../src/index.js";

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** An independent base32: write the bits out as text, cut them in fives, zero-pad the last. */
function referenceBase32(bytes: Uint8Array): string {
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, "0")).join("");
  const groups = bits.match(/.{1,5}/g) ?? [];
  return groups.map((g) => "abcdefghijklmnopqrstuvwxyz234567"[parseInt(g.padEnd(5, "0"), 2)]).join("");
}

describe("base32", () => {
  // RFC 4648 §10, lower-cased and without the "=" padding.
  it.each([
    ["", ""],
    ["f", "my"],
    ["fo", "mzxq"],
    ["foo", "mzxw6"],
    ["foob", "mzxw6yq"],
    ["fooba", "mzxw6ytb"],
    ["foobar", "mzxw6ytboi"],
  ])("RFC 4648 test vector %j -> %j", (input, expected) => {
    expect(base32(ascii(input))).toBe(expected);
  });

  it("encodes every byte string as ceil(8n/5) alphabet characters, like the reference", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = base32(bytes);
        expect(encoded).toMatch(/^[a-z2-7]*$/);
        expect(encoded.length).toBe(Math.ceil((bytes.length * 8) / 5));
        expect(encoded).toBe(referenceBase32(bytes));
      }),
    );
  });
});

describe("hex", () => {
  it("encodes lower-case, two digits a byte", () => {
    expect(toHex(new Uint8Array([0x00, 0x01, 0xab, 0xff]))).toBe("0001abff");
    expect(toHex(new Uint8Array(0))).toBe("");
  });

  it("round-trips any bytes, and accepts upper case", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toMatch(/^(?:[0-9a-f]{2})*$/);
        expect(fromHex(hex)).toEqual(bytes);
        expect(fromHex(hex.toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it("isHexOf(hex, bytes) is toHex(bytes) === hex, for any string and bytes", () => {
    const hexish = fc.stringMatching(/^[0-9a-fA-F]{0,12}$/);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 6 }),
        fc.oneof(hexish, fc.string({ maxLength: 12 })),
        (bytes, text) => {
          expect(isHexOf(text, bytes)).toBe(toHex(bytes) === text);
          expect(isHexOf(toHex(bytes), bytes)).toBe(true);
        },
      ),
    );
    expect(isHexOf("00ff", new Uint8Array([0, 255]))).toBe(true);
    expect(isHexOf("00FF", new Uint8Array([0, 255]))).toBe(false);
    expect(isHexOf("00f", new Uint8Array([0, 255]))).toBe(false);
    expect(isHexOf("00ff00", new Uint8Array([0, 255]))).toBe(false);
  });

  it.each(["a", "abc", "zz", "0x12", " 12", "12 ", "1 2", "+1", "-1", "１２", "ab\n"])(
    "fromHex refuses %j with RangeError",
    (text) => {
      expect(() => fromHex(text)).toThrow(RangeError);
    },
  );

  it("fromHex refuses any string that is not an even run of hex digits", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 20 }).filter((s) => !/^(?:[0-9a-fA-F]{2})*$/.test(s)),
        (text) => {
          expect(() => fromHex(text)).toThrow(RangeError);
        },
      ),
    );
  });
});

describe("device ids", () => {
  const digest = fc.uint8Array({ minLength: 32, maxLength: 32 });

  it("are 26 base32 characters from the first 128 bits of the digest", () => {
    fc.assert(
      fc.property(digest, fc.uint8Array({ minLength: 16, maxLength: 16 }), (d, otherTail) => {
        const id = deviceIdFromKeyDigest(d);
        expect(id).toHaveLength(26);
        expect(id).toMatch(DEVICE_ID_PATTERN);
        expect(isDeviceId(id)).toBe(true);
        expect(id).toBe(referenceBase32(d.subarray(0, 16)));
        // The second half of the digest plays no part.
        const sameHead = new Uint8Array([...d.subarray(0, 16), ...otherTail]);
        expect(deviceIdFromKeyDigest(sameHead)).toBe(id);
      }),
    );
  });

  it("of a real SHA-256 digest", () => {
    const d = createHash("sha256").update("").digest();
    // SHA-256("") starts e3b0c442 98fc1c14 9afbf4c8 996fb924.
    expect(deviceIdFromKeyDigest(d)).toBe(referenceBase32(fromHex("e3b0c44298fc1c149afbf4c8996fb924")));
  });

  it.each([0, 16, 31, 33, 64])("refuse a digest of %i bytes", (length) => {
    expect(() => deviceIdFromKeyDigest(new Uint8Array(length))).toThrow(RangeError);
  });

  it.each(["", "a".repeat(25), "a".repeat(27), "A".repeat(26), `${"a".repeat(25)}1`, `${"a".repeat(25)}8`])(
    "isDeviceId refuses %j",
    (id) => {
      expect(isDeviceId(id)).toBe(false);
    },
  );
});

describe("conversation and client message ids", () => {
  it("a conversation id is 32 to 64 lower-case hex digits", () => {
    expect(isConversationId("0".repeat(32))).toBe(true);
    expect(isConversationId("f".repeat(64))).toBe(true);
    expect(isConversationId("0".repeat(31))).toBe(false);
    expect(isConversationId("0".repeat(65))).toBe(false);
    expect(isConversationId("A".repeat(32))).toBe(false);
    expect(isConversationId(`${"0".repeat(31)}g`)).toBe(false);
  });

  it("a client message id is 1 to 64 of A-Z a-z 0-9 _ -", () => {
    expect(isClientMessageId("a")).toBe(true);
    expect(isClientMessageId("Ab_9-".repeat(12) + "abcd")).toBe(true);
    expect(isClientMessageId("")).toBe(false);
    expect(isClientMessageId("x".repeat(65))).toBe(false);
    expect(isClientMessageId("a b")).toBe(false);
    expect(isClientMessageId("a/b")).toBe(false);
    expect(isClientMessageId("a\n")).toBe(false);
  });
});
