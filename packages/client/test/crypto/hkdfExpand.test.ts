/**
 * [CM9] HKDF-Expand's one-block path (one HMAC, no copy for 32 bytes) gives
 * RFC 5869's output for every length, as node's own HKDF computes it.
 */
import { hkdfSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hkdfExpand, hkdfExtract } from "../../src/crypto/nodeSha256.js";

describe("[CM9] HKDF-SHA256 expand", () => {
  it("[CM9] equals node's hkdfSync for lengths of one block, 32 bytes and several blocks", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.oneof(fc.constantFrom(0, 1, 12, 16, 31, 32, 33, 64, 65), fc.integer({ min: 0, max: 1000 })),
        (salt, ikm, info, length) => {
          const expected = new Uint8Array(hkdfSync("sha256", ikm, salt, info, length));
          expect(hkdfExpand(hkdfExtract(salt, ikm), info, length)).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("[CM9] hands out a plain Uint8Array its caller may wipe, not shared with the next call", () => {
    const prk = new Uint8Array(32).fill(7);
    const info = new Uint8Array([1, 2, 3]);
    const first = hkdfExpand(prk, info, 32);
    expect(Object.getPrototypeOf(first)).toBe(Uint8Array.prototype);
    const copy = first.slice();
    first.fill(0);
    expect(hkdfExpand(prk, info, 32)).toEqual(copy);
  });
});
