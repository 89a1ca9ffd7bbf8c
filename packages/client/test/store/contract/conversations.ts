/** Conversations: the MLS group state and where this device is in the log. */
import { describe, expect, it } from "vitest";
import { conversation, groupState, message } from "../fixtures.js";
import type { ContractContext } from "./context.js";

export function describeConversations(ctx: ContractContext): void {
  describe("conversations", () => {
    it("a new store has no conversations", async () => {
      expect(await ctx.store().listConversations()).toEqual([]);
      expect(await ctx.store().getConversation("c1")).toBeUndefined();
    });

    it("group and direct conversations round-trip with every field", async () => {
      const store = ctx.store();
      const group = conversation("c-group", { participants: ["a@x", "b@y", "c@z"] });
      const direct = conversation("c-direct", {
        kind: "direct",
        title: "",
        peer: "bob@messenger",
        participants: [],
        active: false,
      });
      await store.write([
        { kind: "putConversation", conversation: group },
        { kind: "putConversation", conversation: direct },
      ]);
      expect(await store.getConversation("c-group")).toEqual(group);
      expect(await store.getConversation("c-direct")).toEqual(direct);
    });

    it("[LS3] putting a stored conversation updates it and keeps its messages", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "putConversation", conversation: conversation("c1") },
        { kind: "putMessage", message: message("c1", "m1", { seq: 1 }) },
      ]);
      const next = conversation("c1", {
        title: "renamed",
        participants: ["alice@instagram"],
        groupState: groupState(77, 1000),
        epoch: 4,
        appliedSeq: 8,
        active: false,
        updatedAt: 1_700_000_999_000,
      });
      await store.write([{ kind: "putConversation", conversation: next }]);
      expect(await store.getConversation("c1")).toEqual(next);
      expect(await store.listConversations()).toEqual([next]);
      expect(await store.listMessages("c1")).toEqual([message("c1", "m1", { seq: 1 })]);
    });

    it("[LS4] list is most recently updated first, then by id", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "putConversation", conversation: conversation("c-b", { updatedAt: 100 }) },
        { kind: "putConversation", conversation: conversation("c-old", { updatedAt: 50 }) },
        { kind: "putConversation", conversation: conversation("c-new", { updatedAt: 300 }) },
        { kind: "putConversation", conversation: conversation("c-a", { updatedAt: 100 }) },
      ]);
      const ids = (await store.listConversations()).map((c) => c.id);
      expect(ids).toEqual(["c-new", "c-a", "c-b", "c-old"]);

      await store.write([
        { kind: "putConversation", conversation: conversation("c-old", { updatedAt: 400 }) },
      ]);
      expect((await store.listConversations()).map((c) => c.id)).toEqual(["c-old", "c-new", "c-a", "c-b"]);
    });
  });
}
