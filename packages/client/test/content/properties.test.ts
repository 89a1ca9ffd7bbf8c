/**
 * Property tests of the content layer: for any text, emoji, ids and timer,
 * what a builder makes is deterministic CBOR that re-encodes byte for byte,
 * and the interpreter gives back exactly what was built, under the id every
 * device computes (SPEC CT1-CT9).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMimiContent, encodeMimiContent } from "@switchboard/protocol";
import { buildDelete, buildEdit, buildReaction, buildReply, buildText } from "../../src/content/build.js";
import { contentMessageId } from "../../src/content/ids.js";
import { interpretContent } from "../../src/content/interpret.js";

const CONVERSATION = "fedcba9876543210fedcba9876543210";
const id = fc.uint8Array({ minLength: 31, maxLength: 31 }).map((b) => "01" + Buffer.from(b).toString("hex"));
const salt = fc.uint8Array({ minLength: 16, maxLength: 16 });
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 });
const timer = fc.option(fc.integer({ min: 1, max: 90 * 24 * 3600 }), { nil: null });
const sender = fc.constantFrom("alice@instagram", "+14155550100@whatsapp", "bob@example.com@messenger");

function read(bytes: Uint8Array, from: string) {
  const result = interpretContent(bytes, {
    senderAddress: from,
    conversationId: CONVERSATION,
    serverTime: 1_000,
  });
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

function roundTrips(bytes: Uint8Array): void {
  const decoded = decodeMimiContent(bytes);
  expect(decoded.ok).toBe(true);
  if (decoded.ok) expect(encodeMimiContent(decoded.value)).toEqual(bytes);
}

describe("content properties", () => {
  it("[CT3] [CT4] [CT9] any text or reply reads back as built, under the sender's id", () => {
    fc.assert(
      fc.property(
        text,
        fc.option(id, { nil: null }),
        timer,
        salt,
        sender,
        (body, replyTo, seconds, s, from) => {
          const options = { expiresAfterSeconds: seconds, salt: s };
          const built = replyTo === null ? buildText(body, options) : buildReply(replyTo, body, options);
          roundTrips(built.bytes);
          expect(read(built.bytes, from)).toMatchObject({
            kind: "message",
            id: contentMessageId(from, CONVERSATION, built.bytes, s),
            text: body,
            replyTo,
            expiresAt: seconds === null ? null : 1_000 + seconds * 1000,
          });
        },
      ),
    );
  });

  it("[CT5] [CT6] [CT7] any reaction, edit or delete reads back as built", () => {
    fc.assert(
      fc.property(
        id,
        fc.option(id, { nil: null }),
        fc.option(text, { nil: null }),
        salt,
        sender,
        (target, previous, body, s, from) => {
          if (body === null && previous === null) return;
          const reaction = buildReaction(target, body, previous, { salt: s });
          roundTrips(reaction.bytes);
          expect(read(reaction.bytes, from)).toMatchObject({
            kind: "reaction",
            target,
            emoji: body,
            replaces: previous,
          });
          const change =
            body === null ? buildDelete(target, { salt: s }) : buildEdit(target, body, { salt: s });
          roundTrips(change.bytes);
          expect(read(change.bytes, from)).toMatchObject(
            body === null ? { kind: "delete", target } : { kind: "edit", target, text: body },
          );
        },
      ),
    );
  });

  it("[CT2] the same bytes from two senders, or in two conversations, have different ids", () => {
    fc.assert(
      fc.property(text, salt, (body, s) => {
        const built = buildText(body, { salt: s });
        const a = contentMessageId("alice@instagram", CONVERSATION, built.bytes, s);
        expect(contentMessageId("alice@messenger", CONVERSATION, built.bytes, s)).not.toBe(a);
        expect(contentMessageId("alice@instagram", "0".repeat(32), built.bytes, s)).not.toBe(a);
      }),
    );
  });
});
