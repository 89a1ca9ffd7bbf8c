/**
 * [CM12] The hand-written PrivateMessage reader gives what ts-mls's
 * decodeMlsMessage gives, for well-formed messages and for every truncated,
 * extended or corrupted copy of one: the same message, or a refusal.
 */
import fc from "fast-check";
import { decodeMlsMessage, encodeMlsMessage } from "ts-mls";
import type { MLSMessage, PrivateMessage } from "ts-mls";
import { describe, expect, it } from "vitest";
import { readPrivateMessage } from "../../src/mls/privateMessageReader.js";
import { decodeMessage } from "../../src/mls/wire.js";

/** ts-mls's answer as wire.ts took it before the reader: the message, or undefined for a refusal. */
function byTsMls(bytes: Uint8Array): MLSMessage | undefined {
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    return decoded !== undefined && decoded[1] === bytes.length && decoded[0].version === "mls10"
      ? decoded[0]
      : undefined;
  } catch {
    return undefined;
  }
}

function byReader(bytes: Uint8Array): MLSMessage | undefined {
  try {
    return decodeMessage(bytes);
  } catch {
    return undefined;
  }
}

// Vectors across the 1-, 2- and 4-byte length prefixes (64 and 16,384 are the boundaries).
const vector = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 70 }), weight: 30 },
  { arbitrary: fc.uint8Array({ minLength: 60, maxLength: 300 }), weight: 10 },
  { arbitrary: fc.uint8Array({ minLength: 16_383, maxLength: 16_385 }), weight: 1 },
);
const privateMessage: fc.Arbitrary<PrivateMessage> = fc.record({
  groupId: vector,
  epoch: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  contentType: fc.constantFrom("application" as const, "proposal" as const, "commit" as const),
  authenticatedData: vector,
  encryptedSenderData: vector,
  ciphertext: vector,
});
const encoded = privateMessage.map((pm) =>
  encodeMlsMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage: pm }),
);

function extended(bytes: Uint8Array, value: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = value;
  return out;
}

describe("[CM12] PrivateMessage read by hand", () => {
  it("[CM12] reads every well-formed PrivateMessage as ts-mls decodes it", () => {
    fc.assert(
      fc.property(encoded, (bytes) => {
        const read = readPrivateMessage(bytes);
        expect(read).toBeDefined();
        expect(read).toEqual(byTsMls(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it("[CM12] refuses or reads truncated, extended and corrupted copies exactly as ts-mls does", () => {
    fc.assert(
      fc.property(
        encoded,
        // Half the changes in the framing (version, wireformat, group id, epoch, content type, prefixes).
        fc.oneof(fc.nat(24), fc.nat()),
        fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 255 })),
        fc.constantFrom("truncate", "extend", "set"),
        (bytes, at, value, how) => {
          const i = at % bytes.length;
          const changed =
            how === "truncate"
              ? bytes.subarray(0, i)
              : how === "extend"
                ? extended(bytes, value)
                : Uint8Array.from(bytes, (b, j) => (j === i ? value : b));
          expect(byReader(changed)).toEqual(byTsMls(changed));
        },
      ),
      { numRuns: 600 },
    );
  });

  it("[CM12] agrees with ts-mls on every one-byte change and every truncation of small messages", () => {
    const values = [0, 1, 2, 3, 4, 5, 0x3f, 0x40, 0x41, 0x7f, 0x80, 0x81, 0xbf, 0xc0, 0xff];
    for (const pm of [
      {
        groupId: Uint8Array.of(1, 2, 3),
        epoch: 7n,
        contentType: "application" as const,
        authenticatedData: Uint8Array.of(9),
        encryptedSenderData: new Uint8Array(5).fill(4),
        ciphertext: new Uint8Array(10).fill(5),
      },
      {
        groupId: new Uint8Array(0),
        epoch: 2n ** 64n - 1n,
        contentType: "commit" as const,
        authenticatedData: new Uint8Array(0),
        encryptedSenderData: new Uint8Array(64).fill(6), // a 2-byte length prefix
        ciphertext: new Uint8Array(0),
      },
    ]) {
      const bytes = encodeMlsMessage({
        version: "mls10",
        wireformat: "mls_private_message",
        privateMessage: pm,
      });
      for (let i = 0; i <= bytes.length; i++) {
        expect(byReader(bytes.subarray(0, i))).toEqual(byTsMls(bytes.subarray(0, i)));
        if (i === bytes.length) break;
        for (const value of values) {
          const changed = Uint8Array.from(bytes, (b, j) => (j === i ? value : b));
          expect(byReader(changed)).toEqual(byTsMls(changed));
        }
      }
    }
  });

  it("[CM12] leaves every other kind of message to ts-mls", () => {
    const notPrivate = Uint8Array.of(0, 1, 0, 1, 0);
    expect(readPrivateMessage(notPrivate)).toBeUndefined();
    expect(readPrivateMessage(Uint8Array.of(0, 2, 0, 2))).toBeUndefined();
    expect(readPrivateMessage(new Uint8Array(0))).toBeUndefined();
  });
});
