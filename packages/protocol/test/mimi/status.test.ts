/**
 * Message status reports (draft-mahy-mimi-message-status-01): the draft's own
 * example (§5) decodes and re-encodes byte for byte; anything else that is
 * not exactly its shape in deterministic CBOR is refused with a reason.
 */
import { encode } from "cborg";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessageStatus, decodeStatusReport, encodeStatusReport, fromHex, toHex } from "../../src/index.js";

/** The draft's §5 example report, as its hex dump gives it. */
const DRAFT_EXAMPLE = [
  "84",
  "825820017ce54837404c3696e0c747b985cb172716d0ed0a3d249ca63ace7d82a096f402",
  "825820015354973c2b65ca937bf1e035ae53a5ab80e947afa43d46920d4202e5cc0b2702",
  "825820018d825adf9f6be00dcafc5704c4102f5022e74219d0b603e4ba7622654042af00",
  "82582001e59db8173939facc2c8a4a0f0ae8d0c7a11a81239626630c9464a8d6717a0303",
].join("");

describe("MIMI message status report", () => {
  it("decodes the draft's example and re-encodes it byte for byte", () => {
    const bytes = fromHex(DRAFT_EXAMPLE);
    const decoded = decodeStatusReport(bytes);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.value.map((e) => [toHex(e.messageId).slice(0, 8), e.status])).toEqual([
      ["017ce548", MessageStatus.read],
      ["01535497", MessageStatus.read],
      ["018d825a", MessageStatus.unread],
      ["01e59db8", MessageStatus.expired],
    ]);
    expect(toHex(encodeStatusReport(decoded.value))).toBe(DRAFT_EXAMPLE);
  });

  it("round-trips any report and keeps unknown status values", () => {
    const entry = fc.record({
      messageId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      status: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (report) => {
        const decoded = decodeStatusReport(encodeStatusReport(report));
        expect(decoded).toEqual({ ok: true, value: report });
      }),
    );
  });

  it("refuses what is not the draft's shape", () => {
    const id = new Uint8Array(32);
    const bad: [string, Uint8Array][] = [
      ["not CBOR", Uint8Array.of(0xff)],
      ["a map", encode(new Map([[1, 2]]))],
      ["a short id", encode([[new Uint8Array(31), 1]])],
      ["a status over 255", encode([[id, 256]])],
      ["a negative status", encode([[id, -1]])],
      ["an entry of three", encode([[id, 1, 2]])],
      // 0x18 0x01: the status 1 in a longer form than needed (not deterministic)
      ["a non-shortest integer", Uint8Array.of(0x81, 0x82, 0x58, 0x20, ...id, 0x18, 0x01)],
    ];
    for (const [what, bytes] of bad) expect(decodeStatusReport(bytes).ok, what).toBe(false);
  });

  it("refuses to encode a report it could not decode", () => {
    expect(() => encodeStatusReport([{ messageId: new Uint8Array(3), status: 1 }])).toThrow(RangeError);
  });
});
