/** The hand-written SendMessage reader answers exactly what protobuf-es does, or leaves the frame to it. */
import { fromBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ClientFrameSchema,
  create,
  decodeClientFrame,
  encodeClientFrame,
  encodeSendMessageRequest,
} from "../src/index.js";
import { readSendMessageFrame } from "../src/hotFrameReader.js";

const uint64 = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 1n, max: 127n }),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);
const text = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);
const sendMessageFrame = fc
  .record({
    id: uint64,
    conversationId: text,
    clientMessageId: text,
    payload: fc.uint8Array({ maxLength: 3000 }),
    epoch: uint64,
    // SPEC RS3: receipts are sent non-urgent.
    nonUrgent: fc.boolean(),
  })
  .map(({ id, ...value }) =>
    encodeClientFrame(
      create(ClientFrameSchema, {
        body: { case: "request", value: { id, op: { case: "sendMessage", value } } },
      }),
    ),
  );

/** What protobuf-es makes of the bytes, or "throws". */
function generic(bytes: Uint8Array): unknown {
  try {
    return fromBinary(ClientFrameSchema, bytes);
  } catch {
    return "throws";
  }
}

describe("SendMessage frame reader", () => {
  it("reads every SendMessageRequest protobuf-es writes as protobuf-es reads it", () => {
    fc.assert(
      fc.property(sendMessageFrame, (bytes) => {
        const mine = readSendMessageFrame(bytes);
        expect(mine).toBeDefined();
        expect(mine).toEqual(fromBinary(ClientFrameSchema, bytes));
      }),
    );
  });

  it("reads the load generator's hand-encoded requests the same way", () => {
    fc.assert(
      fc.property(
        uint64,
        text,
        text,
        fc.uint8Array({ maxLength: 500 }),
        fc.maxSafeInteger(),
        (id, c, m, p, epoch) => {
          const bytes = encodeSendMessageRequest(id, c, m, p, Math.abs(epoch));
          expect(readSendMessageFrame(bytes)).toEqual(fromBinary(ClientFrameSchema, bytes));
        },
      ),
    );
  });

  it("on damaged or arbitrary bytes, answers nothing or exactly what protobuf-es answers", () => {
    const damaged = fc
      .tuple(sendMessageFrame, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat())
      .map(([bytes, at, value, cut]) => {
        const copy = bytes.slice(0, bytes.length - (cut % 3 === 0 ? cut % Math.max(1, bytes.length) : 0));
        if (copy.length > 0) copy[at % copy.length] = value;
        return copy;
      });
    fc.assert(
      fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 64 })), (bytes) => {
        const mine = readSendMessageFrame(bytes);
        if (mine !== undefined) expect(mine).toEqual(generic(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves other frames, unknown fields and repeated fields to the generic decoder", () => {
    const ping = encodeClientFrame(
      create(ClientFrameSchema, {
        body: { case: "request", value: { id: 7n, op: { case: "ping", value: {} } } },
      }),
    );
    expect(readSendMessageFrame(ping)).toBeUndefined();
    const plain = encodeSendMessageRequest(9n, "c", "m", new Uint8Array([1, 2]), 3);
    // The same request with an unknown field 9 (varint 1) at the end of the SendMessageRequest.
    const inner = [0x0a, 1, 0x63, 0x12, 1, 0x6d, 0x1a, 2, 1, 2, 0x20, 3, 0x48, 0x01];
    const request = [0x08, 9, 0x82, 0x01, inner.length, ...inner];
    const withUnknown = Uint8Array.from([0x12, request.length, ...request]);
    expect(readSendMessageFrame(withUnknown)).toBeUndefined();
    const known = inner.slice(0, -2);
    const knownRequest = [0x08, 9, 0x82, 0x01, known.length, ...known];
    expect(readSendMessageFrame(Uint8Array.from([0x12, knownRequest.length, ...knownRequest]))).toEqual(
      fromBinary(ClientFrameSchema, plain),
    );
    const decoded = decodeClientFrame(withUnknown);
    expect(decoded.ok && decoded.value.body.case === "request" && decoded.value.body.value.op.case).toBe(
      "sendMessage",
    );
    // The whole request twice: protobuf-es merges, the reader declines.
    const twice = Uint8Array.from([...plain, ...plain]);
    expect(readSendMessageFrame(twice)).toBeUndefined();
    expect(decodeClientFrame(twice).ok).toBe(true);
  });
});
