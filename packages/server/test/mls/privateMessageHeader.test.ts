/** The hand-written PrivateMessage header reader agrees with ts-mls on real messages and never throws on junk. */
import fc from "fast-check";
import { decodeMlsMessage } from "ts-mls";
import { describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../../client/src/mls/index.js";
import { makeIdentity } from "../../../client/test/mls/fixtures.js";
import { readPrivateMessageHeader } from "../../src/mls/privateMessageHeader.js";

describe("PrivateMessage header", () => {
  it("reads what ts-mls reads, for messages of many sizes", async () => {
    const engine = await createTsMlsEngine({ crypto: "node" });
    const alice = makeIdentity("user1@messenger", "device1");
    let { state } = await engine.createGroup(alice, new Uint8Array(16).fill(9));
    for (const size of [0, 1, 63, 64, 200, 16_383, 16_384, 70_000]) {
      const encrypted = await engine.encrypt(alice, state, new Uint8Array(size).fill(1));
      state = encrypted.newState;
      const header = readPrivateMessageHeader(encrypted.message);
      const decoded = decodeMlsMessage(encrypted.message, 0)![0];
      if (decoded.wireformat !== "mls_private_message") throw new Error("expected a PrivateMessage");
      expect(header).toBeDefined();
      expect(header!.groupId).toEqual(decoded.privateMessage.groupId);
      expect(header!.epoch).toBe(Number(decoded.privateMessage.epoch));
      expect(header!.contentType).toBe("application");
      // Truncated or extended, it is refused.
      expect(
        readPrivateMessageHeader(encrypted.message.subarray(0, encrypted.message.length - 1)),
      ).toBeUndefined();
      expect(readPrivateMessageHeader(new Uint8Array([...encrypted.message, 0]))).toBeUndefined();
    }
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const header = readPrivateMessageHeader(bytes);
        expect(header === undefined || header.groupId instanceof Uint8Array).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
