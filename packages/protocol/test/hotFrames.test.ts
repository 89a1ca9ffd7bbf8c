/** The hand-written hot-path encoders give exactly protobuf-es's bytes. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  EntryKind,
  ServerFrameSchema,
  create,
  decodeServerFrame,
  encodeEntryPush,
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
});
