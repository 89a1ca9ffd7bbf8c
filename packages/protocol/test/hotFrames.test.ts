/** The hand-written hot-path encoders give exactly protobuf-es's bytes. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ClientFrameSchema,
  EntryKind,
  ServerFrameSchema,
  create,
  decodeServerFrame,
  decodeClientFrame,
  encodeClientFrame,
  encodeEntryPush,
  encodeSendMessageRequest,
  encodeSendMessageAck,
  encodeServerFrame,
} from "../src/index.js";

const uint = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 127 }),
  fc.integer({ min: 128, max: 2 ** 32 }),
  fc.maxSafeInteger().filter((n) => n >= 0),
);
const text = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

describe("hot-path frames", () => {
  it("the SendMessage ack is byte for byte protobuf-es's", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), uint, uint, (id, seq, serverTime) => {
        const expected = encodeServerFrame(
          create(ServerFrameSchema, {
            body: {
              case: "response",
              value: {
                id,
                result: { case: "sendMessage", value: { seq: BigInt(seq), serverTime: BigInt(serverTime) } },
              },
            },
          }),
        );
        expect(encodeSendMessageAck(id, seq, serverTime)).toEqual(expected);
      }),
    );
  });

  it("the entry push is byte for byte protobuf-es's, and decodes to the same entry", () => {
    fc.assert(
      fc.property(
        text,
        uint,
        fc.constantFrom(EntryKind.UNSPECIFIED, EntryKind.APPLICATION),
        text,
        text,
        fc.uint8Array({ maxLength: 3000 }),
        uint,
        uint,
        (conversationId, seq, kind, senderDeviceId, senderAddress, payload, epoch, serverTime) => {
          const fields = {
            conversationId,
            seq,
            kind,
            senderDeviceId,
            senderAddress,
            payload,
            epoch,
            serverTime,
          };
          const expected = encodeServerFrame(
            create(ServerFrameSchema, {
              body: {
                case: "push",
                value: {
                  body: {
                    case: "entry",
                    value: {
                      ...fields,
                      seq: BigInt(seq),
                      epoch: BigInt(epoch),
                      serverTime: BigInt(serverTime),
                    },
                  },
                },
              },
            }),
          );
          const mine = encodeEntryPush(fields);
          expect(mine).toEqual(expected);
          // After headroom, into a caller's buffer (filled with garbage): the same frame.
          const pooled = encodeEntryPush(fields, {
            headroom: 3,
            alloc: (n) => new Uint8Array(n).fill(0xee),
          });
          expect(pooled.subarray(3)).toEqual(expected);
          const decoded = decodeServerFrame(mine);
          expect(
            decoded.ok && decoded.value.body.case === "push" && decoded.value.body.value.body.value,
          ).toMatchObject({
            conversationId,
            seq: BigInt(seq),
            payload,
          });
        },
      ),
    );
  });

  it("the SendMessage request is byte for byte protobuf-es's, and decodes to the same request", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        text,
        text,
        fc.uint8Array({ maxLength: 3000 }),
        uint,
        (id, conversationId, clientMessageId, payload, epoch) => {
          const value = { conversationId, clientMessageId, payload, epoch: BigInt(epoch) };
          const expected = encodeClientFrame(
            create(ClientFrameSchema, {
              body: { case: "request", value: { id, op: { case: "sendMessage", value } } },
            }),
          );
          const mine = encodeSendMessageRequest(id, conversationId, clientMessageId, payload, epoch);
          expect(mine).toEqual(expected);
          const decoded = decodeClientFrame(mine);
          expect(
            decoded.ok && decoded.value.body.case === "request" && decoded.value.body.value.op.value,
          ).toMatchObject(value);
        },
      ),
    );
  });
});
