/**
 * What receivers do with incoming changes (SPEC CT10-CT12): the hub's times
 * decide, and edits and deletes from anyone but the original sender are
 * ignored, whatever a modified client sends.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { ContentEvent } from "../../src/content/interpret.js";
import { incomingContent, type IncomingEntry } from "../../src/conversations/incomingContent.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { LocalStore } from "../../src/store/port.js";
import { conversation, message } from "../store/fixtures.js";

const HOUR = 3_600_000;
const SENT = 1_800_000_000_000;
const ORIGINAL = "01".padEnd(64, "a");
const ALICE = "alice@instagram";
const MALLORY = "mallory@messenger";
const none = new Map<number | string, unknown>();

function entry(senderAddress: string, serverTime: number, seq = 10): IncomingEntry {
  return { seq, serverTime, senderAddress, senderDeviceId: "d", outgoing: false };
}

describe("incoming changes to messages", () => {
  let store: LocalStore;
  beforeEach(async () => {
    store = createMemoryStore();
    await store.write([
      { kind: "putConversation", conversation: conversation("c1") },
      {
        kind: "putMessage",
        message: message("c1", ORIGINAL, { senderAddress: ALICE, serverTime: SENT, text: "original" }),
      },
    ]);
  });

  async function apply(event: ContentEvent, from: IncomingEntry): Promise<void> {
    const outcome = await incomingContent(store, (await store.getConversation("c1"))!, event, from);
    await store.write(outcome.writes);
  }

  const edit = (id: string, text: string): ContentEvent => ({
    kind: "edit",
    id,
    target: ORIGINAL,
    text,
    extensions: none,
  });
  const del = (id: string): ContentEvent => ({ kind: "delete", id, target: ORIGINAL, extensions: none });

  it("[CT10] an edit from anyone but the original sender is ignored", async () => {
    await apply(edit("e1", "forged"), entry(MALLORY, SENT + 1));
    expect(await store.getMessage("c1", ORIGINAL)).toMatchObject({ text: "original", editCount: 0 });
    await apply(edit("e2", "fixed"), entry(ALICE, SENT + 2));
    expect(await store.getMessage("c1", ORIGINAL)).toMatchObject({
      text: "fixed",
      editCount: 1,
      editedAt: SENT + 2,
    });
  });

  it("[CT10] an edit the hub accepted more than 24 h after the original is ignored; so is an 11th", async () => {
    await apply(edit("late", "late"), entry(ALICE, SENT + 24 * HOUR + 1));
    expect((await store.getMessage("c1", ORIGINAL))!.text).toBe("original");
    for (let i = 1; i <= 11; i++) await apply(edit(`e${i}`, `v${i}`), entry(ALICE, SENT + i));
    expect(await store.getMessage("c1", ORIGINAL)).toMatchObject({ text: "v10", editCount: 10 });
  });

  it("[CT11] a delete from anyone but the original sender, or after 48 h, is ignored", async () => {
    await apply(del("d1"), entry(MALLORY, SENT + 1));
    await apply(del("d2"), entry(ALICE, SENT + 48 * HOUR + 1));
    expect(await store.getMessage("c1", ORIGINAL)).toMatchObject({ text: "original", deleted: false });
    await apply(del("d3"), entry(ALICE, SENT + 48 * HOUR));
    expect(await store.getMessage("c1", ORIGINAL)).toMatchObject({ text: "", deleted: true });
  });

  it("[CT12] reactions to an unknown message are dropped; a person's new reaction replaces theirs", async () => {
    const react = (
      id: string,
      target: string,
      emoji: string | null,
      replaces: string | null,
    ): ContentEvent => ({
      kind: "reaction",
      id,
      target,
      emoji,
      replaces,
      extensions: none,
    });
    await apply(react("r0", "01".padEnd(64, "b"), "👍", null), entry(MALLORY, SENT));
    expect(await store.listReactions("c1", "01".padEnd(64, "b"))).toEqual([]);
    await apply(react("r1", ORIGINAL, "👍", null), entry(MALLORY, SENT + 1));
    await apply(react("r2", ORIGINAL, "🎉", "r1"), entry(MALLORY, SENT + 2));
    expect(await store.listReactions("c1", ORIGINAL)).toEqual([
      {
        conversationId: "c1",
        messageId: ORIGINAL,
        senderAddress: MALLORY,
        emoji: "🎉",
        reactionId: "r2",
        at: SENT + 2,
      },
    ]);
  });
});
