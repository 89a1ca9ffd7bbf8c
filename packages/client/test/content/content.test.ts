/**
 * The content layer at the codec level: what each builder puts on the wire
 * (SPEC CT3-CT9), and what the interpreter makes of it, from the
 * authenticated sender. Real CBOR through the protocol's MIMI codec.
 */
import { describe, expect, it } from "vitest";
import {
  Cardinality,
  ContentSchema,
  Disposition,
  create,
  decodeMimiContent,
  encodeContent,
  encodeMimiContent,
  mimiMessageId,
  roomUri,
  toHex,
  userUri,
} from "@switchboard/protocol";
import {
  buildDelete,
  buildEdit,
  buildGroupTitle,
  buildReaction,
  buildReply,
  buildText,
} from "../../src/content/build.js";
import { contentMessageId } from "../../src/content/ids.js";
import { interpretContent, type ContentEvent } from "../../src/content/interpret.js";

const CONVERSATION = "0123456789abcdef0123456789abcdef";
const ALICE = "alice@instagram";
const MALLORY = "mallory@messenger";
const salt = (n: number) => new Uint8Array(16).fill(n);
const SERVER_TIME = 1_800_000_000_000;
const context = (senderAddress = ALICE) => ({
  senderAddress,
  conversationId: CONVERSATION,
  serverTime: SERVER_TIME,
});

function read(bytes: Uint8Array, senderAddress = ALICE): ContentEvent {
  const result = interpretContent(bytes, context(senderAddress));
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

const original = buildText("hello", { salt: salt(1) });
const originalId = contentMessageId(ALICE, CONVERSATION, original.bytes, original.content.salt);

describe("MIMI content builders and interpreter", () => {
  it("[CT2] a message id is the draft's hash over the exact bytes, the sender's user URI and the room URI", () => {
    const expected = toHex(mimiMessageId(userUri(ALICE), roomUri(CONVERSATION), original.bytes, salt(1)));
    expect(originalId).toBe(expected);
    expect(originalId).toMatch(/^01[0-9a-f]{62}$/);
    expect(read(original.bytes).id).toBe(originalId);
  });

  it("[CT2] the id comes from the authenticated sender, never from the message's extensions", () => {
    const claimed = buildText("hi", { salt: salt(2) });
    claimed.content.extensions.set(1, userUri(MALLORY)); // senderUri extension claiming someone else
    const bytes = encodeMimiContent(claimed.content);
    const asAlice = read(bytes, ALICE).id;
    expect(asAlice).toBe(contentMessageId(ALICE, CONVERSATION, bytes, salt(2)));
    expect(asAlice).not.toBe(contentMessageId(MALLORY, CONVERSATION, bytes, salt(2)));
  });

  it("[CT3] a text is one render text/plain part, re-encoding byte for byte; it reads as a message", () => {
    const decoded = decodeMimiContent(original.bytes);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.replaces).toBeNull();
    expect(decoded.value.inReplyTo).toBeNull();
    expect(decoded.value.body).toMatchObject({
      disposition: Disposition.render,
      cardinality: Cardinality.single,
      contentType: "text/plain;charset=utf-8",
    });
    expect(encodeMimiContent(decoded.value)).toEqual(original.bytes);
    expect(read(original.bytes)).toMatchObject({
      kind: "message",
      text: "hello",
      replyTo: null,
      expiresAt: null,
    });
  });

  it("[CT3] two equal texts get different salts, so different ids", () => {
    const a = buildText("same");
    const b = buildText("same");
    expect(read(a.bytes).id).not.toBe(read(b.bytes).id);
  });

  it("[CT3] a protobuf Content from an older SDK is still read, under the id it carried", () => {
    const legacy = encodeContent(
      create(ContentSchema, {
        id: "legacy-1",
        sentAt: 1234n,
        body: { case: "text", value: { body: "old" } },
      }),
    );
    expect(read(legacy)).toMatchObject({ kind: "message", id: "legacy-1", text: "old", sentAt: 1234 });
    const title = encodeContent(
      create(ContentSchema, {
        id: "t",
        sentAt: 1n,
        body: { case: "groupProfile", value: { title: "Old title" } },
      }),
    );
    expect(read(title)).toMatchObject({ kind: "groupProfile", title: "Old title" });
  });

  it("[CT3] bytes that are neither MIMI nor protobuf Content are refused with a reason", () => {
    expect(interpretContent(new Uint8Array([0x87, 0xff]), context()).ok).toBe(false);
    expect(interpretContent(new Uint8Array([0xff, 0xff, 0xff]), context()).ok).toBe(false);
  });

  it("[CT4] a reply carries inReplyTo = the original's id", () => {
    const reply = buildReply(originalId, "and hello to you", { salt: salt(3) });
    expect(toHex(reply.content.inReplyTo!)).toBe(originalId);
    expect(read(reply.bytes, MALLORY)).toMatchObject({
      kind: "message",
      text: "and hello to you",
      replyTo: originalId,
    });
  });

  it("[CT5] a reaction: disposition reaction, inReplyTo the target; again replaces the previous; removal is a null part", () => {
    const first = buildReaction(originalId, "👍", null, { salt: salt(4) });
    expect(first.content.body.disposition).toBe(Disposition.reaction);
    const firstEvent = read(first.bytes, MALLORY);
    expect(firstEvent).toMatchObject({ kind: "reaction", target: originalId, emoji: "👍", replaces: null });

    const again = buildReaction(originalId, "❤️", firstEvent.id, { salt: salt(5) });
    expect(read(again.bytes, MALLORY)).toMatchObject({
      kind: "reaction",
      emoji: "❤️",
      replaces: firstEvent.id,
    });

    const removal = buildReaction(originalId, null, firstEvent.id, { salt: salt(6) });
    expect(removal.content.body).toMatchObject({
      cardinality: Cardinality.nullPart,
      disposition: Disposition.reaction,
    });
    expect(read(removal.bytes, MALLORY)).toMatchObject({
      kind: "reaction",
      target: originalId,
      emoji: null,
      replaces: firstEvent.id,
    });
    expect(() => buildReaction(originalId, null, null)).toThrow(RangeError);
  });

  it("[CT6] an edit replaces the original's id with a new text body", () => {
    const edit = buildEdit(originalId, "hello, corrected", { salt: salt(7) });
    expect(toHex(edit.content.replaces!)).toBe(originalId);
    expect(read(edit.bytes)).toMatchObject({ kind: "edit", target: originalId, text: "hello, corrected" });
  });

  it("[CT7] delete for everyone replaces the original with a null render part", () => {
    const del = buildDelete(originalId, { salt: salt(8) });
    expect(del.content.body).toEqual({
      disposition: Disposition.render,
      language: "",
      cardinality: Cardinality.nullPart,
    });
    expect(read(del.bytes)).toMatchObject({ kind: "delete", target: originalId });
  });

  it("[CT8] the group title travels in mimiExtensions under sb.title; unknown extensions are kept", () => {
    const titled = buildGroupTitle("Weekend", { salt: salt(9) });
    expect(titled.content.extensions.get("sb.title")).toBe("Weekend");
    expect(read(titled.bytes)).toMatchObject({ kind: "groupProfile", title: "Weekend" });

    const withUnknown = buildText("x", { salt: salt(10) });
    withUnknown.content.extensions.set("org.example.mood", ["sunny", 7]);
    withUnknown.content.extensions.set(99, new Uint8Array([1, 2]));
    const bytes = encodeMimiContent(withUnknown.content);
    const event = read(bytes);
    expect(event.extensions.get("org.example.mood")).toEqual(["sunny", 7]);
    expect(event.extensions.get(99)).toEqual(new Uint8Array([1, 2]));
  });

  it("[CT9] with a timer, a message carries a relative expiry; the receiver counts it from the hub's time", () => {
    const timed = buildText("soon gone", { expiresAfterSeconds: 300, salt: salt(11) });
    expect(timed.content.expires).toEqual({ relative: true, time: 300 });
    expect(read(timed.bytes)).toMatchObject({ kind: "message", expiresAt: SERVER_TIME + 300_000 });
  });

  it("[CT3] replies, reactions, edits and deletes name MIMI ids only", () => {
    expect(() => buildReply("legacy-1", "x")).toThrow(RangeError);
    expect(() => buildEdit("ab", "x")).toThrow(RangeError);
  });
});
