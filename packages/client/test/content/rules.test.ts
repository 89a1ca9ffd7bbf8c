/** The rules on who may change a message and until when (SPEC CT10-CT13), with an injected time. */
import { describe, expect, it } from "vitest";
import {
  CONTENT_RULES,
  applyDelete,
  applyEdit,
  mayDeleteForEveryone,
  mayEdit,
  nextReaction,
  quoteOf,
} from "../../src/content/rules.js";
import { UNCHANGED_MESSAGE } from "../../src/store/messageDefaults.js";
import type { LocalMessage } from "../../src/store/port.js";

const HOUR = 3_600_000;
const SENT = 1_800_000_000_000;
const ALICE = "alice@instagram";
const BOB = "bob@whatsapp";

const original: LocalMessage = {
  id: "01".padEnd(64, "a"),
  conversationId: "c",
  seq: 4,
  senderAddress: ALICE,
  senderDeviceId: "d",
  text: "hello",
  sentAt: SENT - 5_000, // the sender's clock is off; the hub's time counts
  serverTime: SENT,
  outgoing: false,
  ...UNCHANGED_MESSAGE,
};

describe("content rules", () => {
  it("[CT10] only the original sender may edit", () => {
    expect(mayEdit(original, ALICE, SENT + 1)).toEqual({ ok: true });
    expect(mayEdit(original, BOB, SENT + 1)).toMatchObject({ ok: false, code: "NOT_SENDER" });
    expect(mayEdit(undefined, ALICE, SENT)).toMatchObject({ ok: false, code: "UNKNOWN_MESSAGE" });
  });

  it("[CT10] edits are allowed up to 24 h after sending (by the hub's time), not after", () => {
    expect(mayEdit(original, ALICE, SENT + 24 * HOUR)).toEqual({ ok: true });
    expect(mayEdit(original, ALICE, SENT + 24 * HOUR + 1)).toMatchObject({ ok: false, code: "TOO_LATE" });
    // Unsent: the sender's own clock stands in.
    const unsent = { ...original, serverTime: null };
    expect(mayEdit(unsent, ALICE, SENT - 5_000 + 24 * HOUR + 1)).toMatchObject({ code: "TOO_LATE" });
  });

  it("[CT10] at most 10 edits", () => {
    let message = original;
    for (let i = 0; i < CONTENT_RULES.maxEdits; i++) {
      expect(mayEdit(message, ALICE, SENT + i)).toEqual({ ok: true });
      message = applyEdit(message, `edit ${i}`, SENT + i);
    }
    expect(message).toMatchObject({ editCount: 10, editedAt: SENT + 9, text: "edit 9" });
    expect(mayEdit(message, ALICE, SENT + 11)).toMatchObject({ ok: false, code: "TOO_MANY_EDITS" });
  });

  it("[CT11] only the original sender may delete for everyone, within 48 h", () => {
    expect(mayDeleteForEveryone(original, ALICE, SENT + 48 * HOUR)).toEqual({ ok: true });
    expect(mayDeleteForEveryone(original, ALICE, SENT + 48 * HOUR + 1)).toMatchObject({ code: "TOO_LATE" });
    expect(mayDeleteForEveryone(original, BOB, SENT)).toMatchObject({ code: "NOT_SENDER" });
    const deleted = applyDelete(original);
    expect(deleted).toMatchObject({ deleted: true, text: "" });
    expect(mayDeleteForEveryone(deleted, ALICE, SENT)).toMatchObject({ code: "MESSAGE_DELETED" });
    expect(mayEdit(deleted, ALICE, SENT)).toMatchObject({ code: "MESSAGE_DELETED" });
  });

  it("[CT12] one reaction per person: a new one replaces, a removal takes away only the one it names", () => {
    const key = { conversationId: "c", messageId: original.id, senderAddress: BOB };
    const first = nextReaction(undefined, { reactionId: "r1", emoji: "👍", replaces: null, at: 1 }, key);
    expect(first).toEqual({ put: { ...key, emoji: "👍", reactionId: "r1", at: 1 } });
    const stored = "put" in first ? first.put : undefined;
    const second = nextReaction(stored, { reactionId: "r2", emoji: "❤️", replaces: "r1", at: 2 }, key);
    expect(second).toEqual({ put: { ...key, emoji: "❤️", reactionId: "r2", at: 2 } });
    const current = "put" in second ? second.put : undefined;
    expect(nextReaction(current, { reactionId: "r3", emoji: null, replaces: "r1", at: 3 }, key)).toEqual({
      keep: true,
    });
    expect(nextReaction(current, { reactionId: "r3", emoji: null, replaces: "r2", at: 3 }, key)).toEqual({
      remove: true,
    });
    expect(nextReaction(undefined, { reactionId: "r3", emoji: null, replaces: "r2", at: 3 }, key)).toEqual({
      keep: true,
    });
  });

  it('[CT13] a reply whose original is unknown quotes "original not found"', () => {
    expect(quoteOf(undefined)).toEqual({ found: false, text: "original not found" });
    expect(quoteOf(original)).toEqual({ found: true, message: original });
  });
});
