/** Decrypted messages: log order, paging, duplicate checks, outgoing ones getting their seq. */
import { beforeEach, describe, expect, it } from "vitest";
import { conversation, message, messageIds, unsent } from "../fixtures.js";
import { expectStoreError, type ContractContext } from "./context.js";

export function describeMessages(ctx: ContractContext): void {
  describe("messages", () => {
    beforeEach(async () => {
      await ctx.store().write([
        { kind: "putConversation", conversation: conversation("c1") },
        { kind: "putConversation", conversation: conversation("c2") },
      ]);
    });

    /** Written out of order on purpose: seq 3, unsent A (later clock), seq 1, unsent B, seq 2. */
    async function putMixed(): Promise<void> {
      await ctx.store().write([
        { kind: "putMessage", message: message("c1", "s3", { seq: 3 }) },
        { kind: "putMessage", message: unsent("c1", "uA", 2_000) },
        { kind: "putMessage", message: message("c1", "s1", { seq: 1 }) },
        { kind: "putMessage", message: unsent("c1", "uB", 1_000) },
        { kind: "putMessage", message: message("c1", "s2", { seq: 2 }) },
      ]);
    }

    it("a message round-trips with every field", async () => {
      const incoming = message("c1", "m1", {
        seq: 12,
        text: "multi\nline ünïcödé 🎉",
        sentAt: 1,
        serverTime: 2,
      });
      const outgoing = unsent("c1", "m2", 3);
      await ctx.store().write([
        { kind: "putMessage", message: incoming },
        { kind: "putMessage", message: outgoing },
      ]);
      expect(await ctx.store().listMessages("c1")).toEqual([incoming, outgoing]);
    });

    it("[LS4] messages come in seq order, unsent ones last by sentAt", async () => {
      await putMixed();
      expect(await messageIds(ctx.store(), "c1")).toEqual(["s1", "s2", "s3", "uB", "uA"]);
    });

    it("[LS4] unsent messages with the same sentAt are ordered by id", async () => {
      await ctx.store().write([
        { kind: "putMessage", message: unsent("c1", "u-z", 5) },
        { kind: "putMessage", message: unsent("c1", "u-a", 5) },
      ]);
      expect(await messageIds(ctx.store(), "c1")).toEqual(["u-a", "u-z"]);
    });

    it("[LS4] afterSeq keeps later seqs and every unsent message", async () => {
      await putMixed();
      const store = ctx.store();
      expect(await messageIds(store, "c1", { afterSeq: 0 })).toEqual(["s1", "s2", "s3", "uB", "uA"]);
      expect(await messageIds(store, "c1", { afterSeq: 1 })).toEqual(["s2", "s3", "uB", "uA"]);
      expect(await messageIds(store, "c1", { afterSeq: 3 })).toEqual(["uB", "uA"]);
      expect(await messageIds(store, "c1", { afterSeq: 99 })).toEqual(["uB", "uA"]);
    });

    it("[LS4] limit keeps the first messages in order, with or without afterSeq", async () => {
      await putMixed();
      const store = ctx.store();
      expect(await messageIds(store, "c1", { limit: 2 })).toEqual(["s1", "s2"]);
      expect(await messageIds(store, "c1", { afterSeq: 2, limit: 2 })).toEqual(["s3", "uB"]);
      expect(await messageIds(store, "c1", { limit: 100 })).toEqual(["s1", "s2", "s3", "uB", "uA"]);
      expect(await messageIds(store, "c1", { limit: 0 })).toEqual([]);
    });

    it("[LS4] a limit or afterSeq that is not an integer, or a negative limit, is refused", async () => {
      const store = ctx.store();
      await expectStoreError(store.listMessages("c1", { limit: -1 }), "INVALID_ARGUMENT");
      await expectStoreError(store.listMessages("c1", { limit: 1.5 }), "INVALID_ARGUMENT");
      await expectStoreError(store.listMessages("c1", { limit: Number.NaN }), "INVALID_ARGUMENT");
      await expectStoreError(
        store.listMessages("c1", { afterSeq: Number.POSITIVE_INFINITY }),
        "INVALID_ARGUMENT",
      );
    });

    it("messages belong to their conversation", async () => {
      await putMixed();
      await ctx
        .store()
        .write([{ kind: "putMessage", message: message("c2", "s1", { seq: 1, text: "other" }) }]);
      expect(await messageIds(ctx.store(), "c2")).toEqual(["s1"]);
      expect((await ctx.store().listMessages("c2"))[0]?.text).toBe("other");
      expect((await ctx.store().listMessages("c1")).find((m) => m.id === "s1")?.text).toBe(
        message("c1", "s1").text,
      );
      expect(await ctx.store().listMessages("not-stored")).toEqual([]);
    });

    it("hasMessage knows which ids a conversation holds", async () => {
      await putMixed();
      const store = ctx.store();
      expect(await store.hasMessage("c1", "s2")).toBe(true);
      expect(await store.hasMessage("c1", "uA")).toBe(true);
      expect(await store.hasMessage("c1", "nope")).toBe(false);
      expect(await store.hasMessage("c2", "s2")).toBe(false);
      expect(await store.hasMessage("not-stored", "s2")).toBe(false);
    });

    it("[LS3] an outgoing message put again with its seq replaces the unsent one", async () => {
      await putMixed();
      const store = ctx.store();
      const acknowledged = { ...unsent("c1", "uB", 1_000), seq: 4, serverTime: 1_700_000_010_000 };
      await store.write([{ kind: "putMessage", message: acknowledged }]);

      expect(await messageIds(store, "c1")).toEqual(["s1", "s2", "s3", "uB", "uA"]);
      const listed = await store.listMessages("c1", { afterSeq: 3 });
      expect(listed).toEqual([acknowledged, unsent("c1", "uA", 2_000)]);
      expect(await store.hasMessage("c1", "uB")).toBe(true);
    });

    it("[LS3] an outgoing message acknowledged before later unsent ones moves into seq order", async () => {
      await putMixed();
      const store = ctx.store();
      await store.write([
        { kind: "putMessage", message: { ...unsent("c1", "uA", 2_000), seq: 4, serverTime: 9 } },
      ]);
      expect(await messageIds(store, "c1")).toEqual(["s1", "s2", "s3", "uA", "uB"]);
      expect(await messageIds(store, "c1", { afterSeq: 3, limit: 1 })).toEqual(["uA"]);
    });
  });
}
