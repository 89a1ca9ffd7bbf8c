/** LS8 and LS9: reactions (one per person per message), deleting a message, and the fields of a changed message. */
import { beforeEach, describe, expect, it } from "vitest";
import type { LocalReaction } from "../../../src/store/port.js";
import { conversation, message } from "../fixtures.js";
import { expectStoreError, type ContractContext } from "./context.js";

function reaction(
  messageId: string,
  senderAddress: string,
  overrides: Partial<LocalReaction> = {},
): LocalReaction {
  return {
    conversationId: "c1",
    messageId,
    senderAddress,
    emoji: "👍",
    reactionId: `r-${messageId}-${senderAddress}`,
    at: 100,
    ...overrides,
  };
}

export function describeReactionsAndDeletes(ctx: ContractContext): void {
  describe("reactions and deletes", () => {
    beforeEach(async () => {
      await ctx.store().write([
        { kind: "putConversation", conversation: conversation("c1") },
        { kind: "putMessage", message: message("c1", "m1", { seq: 1 }) },
        { kind: "putMessage", message: message("c1", "m2", { seq: 2 }) },
      ]);
    });

    it("a replied, edited, deleted, expiring message round-trips with every field; getMessage finds it", async () => {
      const changed = message("c1", "m3", {
        seq: 3,
        replyTo: "m1",
        editCount: 2,
        editedAt: 1_700_000_009_000,
        expiresAt: 1_700_000_900_000,
      });
      await ctx.store().write([{ kind: "putMessage", message: changed }]);
      expect(await ctx.store().getMessage("c1", "m3")).toEqual(changed);
      expect(await ctx.store().getMessage("c1", "nope")).toBeUndefined();
      expect(await ctx.store().getMessage("c2", "m3")).toBeUndefined();
    });

    it("[LS8] one reaction per person per message: a put replaces, others stay, listed by at then person", async () => {
      await ctx.store().write([
        { kind: "putReaction", reaction: reaction("m1", "carol@instagram", { at: 200 }) },
        { kind: "putReaction", reaction: reaction("m1", "bob@whatsapp", { at: 200 }) },
        { kind: "putReaction", reaction: reaction("m1", "alice@messenger", { at: 150 }) },
        { kind: "putReaction", reaction: reaction("m2", "bob@whatsapp") },
      ]);
      const replaced = reaction("m1", "bob@whatsapp", { emoji: "❤️", reactionId: "r-new", at: 300 });
      await ctx.store().write([{ kind: "putReaction", reaction: replaced }]);
      const listed = await ctx.store().listReactions("c1", "m1");
      expect(listed.map((r) => [r.senderAddress, r.emoji])).toEqual([
        ["alice@messenger", "👍"],
        ["carol@instagram", "👍"],
        ["bob@whatsapp", "❤️"],
      ]);
      expect(listed[2]).toEqual(replaced);
      expect(await ctx.store().listReactions("c1", "m2")).toHaveLength(1);
      expect(await ctx.store().listReactions("c1", "none")).toEqual([]);
    });

    it("[LS8] deleteReaction takes away one person's reaction only", async () => {
      await ctx.store().write([
        { kind: "putReaction", reaction: reaction("m1", "bob@whatsapp") },
        { kind: "putReaction", reaction: reaction("m1", "carol@instagram") },
      ]);
      await ctx.store().write([
        { kind: "deleteReaction", conversationId: "c1", messageId: "m1", senderAddress: "bob@whatsapp" },
        { kind: "deleteReaction", conversationId: "c1", messageId: "m1", senderAddress: "nobody@x" },
      ]);
      expect((await ctx.store().listReactions("c1", "m1")).map((r) => r.senderAddress)).toEqual([
        "carol@instagram",
      ]);
    });

    it("[LS8] a reaction in a conversation that is not stored is refused, and nothing of the batch stays", async () => {
      await expectStoreError(
        ctx.store().write([
          { kind: "putReaction", reaction: reaction("m1", "bob@whatsapp") },
          {
            kind: "putReaction",
            reaction: { ...reaction("m1", "carol@instagram"), conversationId: "c-missing" },
          },
        ]),
        "UNKNOWN_CONVERSATION",
      );
      expect(await ctx.store().listReactions("c1", "m1")).toEqual([]);
    });

    it("[LS9] deleteMessage removes the message and its reactions, not the others'", async () => {
      await ctx.store().write([
        { kind: "putReaction", reaction: reaction("m1", "bob@whatsapp") },
        { kind: "putReaction", reaction: reaction("m2", "bob@whatsapp") },
      ]);
      await ctx.store().write([{ kind: "deleteMessage", conversationId: "c1", id: "m1" }]);
      expect(await ctx.store().hasMessage("c1", "m1")).toBe(false);
      expect(await ctx.store().listReactions("c1", "m1")).toEqual([]);
      expect(await ctx.store().listReactions("c1", "m2")).toHaveLength(1);
      expect((await ctx.store().listMessages("c1")).map((m) => m.id)).toEqual(["m2"]);
      await ctx.store().write([{ kind: "deleteMessage", conversationId: "c1", id: "never-there" }]);
    });

    it("[LS9] a message deleted for everyone keeps its tombstone with no text", async () => {
      const tombstone = { ...message("c1", "m1", { seq: 1 }), text: "", deleted: true };
      await ctx.store().write([{ kind: "putMessage", message: tombstone }]);
      expect(await ctx.store().getMessage("c1", "m1")).toEqual(tombstone);
    });

    it("[LS6] reactions and changed messages survive close and reopen", async (test) => {
      const reopen = ctx.reopen();
      if (reopen === undefined) return test.skip("this adapter keeps nothing across close");
      const changed = message("c1", "m2", {
        seq: 2,
        editCount: 1,
        editedAt: 5,
        deleted: false,
        replyTo: "m1",
      });
      await ctx.store().write([
        { kind: "putReaction", reaction: reaction("m1", "bob@whatsapp") },
        { kind: "putMessage", message: changed },
      ]);
      await ctx.store().close();
      const again = await reopen();
      expect(await again.listReactions("c1", "m1")).toEqual([reaction("m1", "bob@whatsapp")]);
      expect(await again.getMessage("c1", "m2")).toEqual(changed);
      await again.close();
    });
  });
}
