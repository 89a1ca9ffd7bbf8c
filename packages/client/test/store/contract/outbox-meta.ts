/** The outbox (encrypted once, resent as-is until acknowledged) and small settings. */
import { beforeEach, describe, expect, it } from "vitest";
import { bytes, conversation, outboxItem } from "../fixtures.js";
import type { ContractContext } from "./context.js";

export function describeOutboxAndMeta(ctx: ContractContext): void {
  describe("outbox", () => {
    beforeEach(async () => {
      await ctx.store().write([{ kind: "putConversation", conversation: conversation("c1") }]);
    });

    it("a new store has an empty outbox", async () => {
      expect(await ctx.store().listOutbox()).toEqual([]);
    });

    it("[LS4] items come in createdAt order, then by clientMessageId", async () => {
      const store = ctx.store();
      const late = outboxItem("late", "c1", { createdAt: 300 });
      const early = outboxItem("early", "c1", { createdAt: 100 });
      const tieB = outboxItem("tie-b", "c1", { createdAt: 200 });
      const tieA = outboxItem("tie-a", "c1", { createdAt: 200, payload: bytes(5, 0), epoch: 0 });
      await store.write([
        { kind: "putOutbox", item: late },
        { kind: "putOutbox", item: tieB },
        { kind: "putOutbox", item: early },
        { kind: "putOutbox", item: tieA },
      ]);
      expect(await store.listOutbox()).toEqual([early, tieA, tieB, late]);
    });

    it("delete removes one item; deleting one not stored does nothing", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "putOutbox", item: outboxItem("a", "c1", { createdAt: 1 }) },
        { kind: "putOutbox", item: outboxItem("b", "c1", { createdAt: 2 }) },
      ]);
      await store.write([{ kind: "deleteOutbox", clientMessageId: "a" }]);
      await store.write([{ kind: "deleteOutbox", clientMessageId: "never-queued" }]);
      expect((await store.listOutbox()).map((i) => i.clientMessageId)).toEqual(["b"]);
    });

    it("[LS3] putting an item with a queued id replaces it", async () => {
      const store = ctx.store();
      await store.write([{ kind: "putOutbox", item: outboxItem("a", "c1") }]);
      // Re-encrypted for a new epoch after an EPOCH_CONFLICT.
      const reencrypted = outboxItem("a", "c1", { payload: bytes(123, 80), epoch: 4 });
      await store.write([{ kind: "putOutbox", item: reencrypted }]);
      expect(await store.listOutbox()).toEqual([reencrypted]);
    });

    it("an item keeps the plaintext it encrypts, or null (an item from an older SDK)", async () => {
      const store = ctx.store();
      const withPlaintext = outboxItem("a", "c1", { plaintext: bytes(40, 3), createdAt: 1 });
      const legacy = outboxItem("b", "c1", { plaintext: null, createdAt: 2 });
      await store.write([
        { kind: "putOutbox", item: withPlaintext },
        { kind: "putOutbox", item: legacy },
      ]);
      expect(await store.listOutbox()).toEqual([withPlaintext, legacy]);
    });
  });

  describe("meta", () => {
    it("an unknown key has no value", async () => {
      expect(await ctx.store().getMeta("nothing")).toBeUndefined();
    });

    it("[LS3] setMeta stores a value and a second one replaces it", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "setMeta", key: "sync.inboxCursor", value: "10" },
        { kind: "setMeta", key: "empty", value: "" },
      ]);
      expect(await store.getMeta("sync.inboxCursor")).toBe("10");
      expect(await store.getMeta("empty")).toBe("");
      await store.write([{ kind: "setMeta", key: "sync.inboxCursor", value: "11" }]);
      expect(await store.getMeta("sync.inboxCursor")).toBe("11");
    });

    it("[LS1] writes in one batch apply in order: the last setMeta wins", async () => {
      await ctx.store().write([
        { kind: "setMeta", key: "k", value: "first" },
        { kind: "setMeta", key: "k", value: "second" },
      ]);
      expect(await ctx.store().getMeta("k")).toBe("second");
    });
  });
}
