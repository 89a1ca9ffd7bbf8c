/** Newest-first reading (src/store/recentPort.ts, rule WB1): chat list previews and paging up a long chat. */
import { beforeEach, describe, expect, it } from "vitest";
import type { RecentListing } from "../../../src/store/recentPort.js";
import type { LocalStore } from "../../../src/store/port.js";
import { conversation, message, unsent } from "../fixtures.js";
import { expectStoreError, type ContractContext } from "./context.js";

async function recentIds(store: LocalStore, id: string, listing?: RecentListing): Promise<string[]> {
  return (await store.listRecentMessages(id, listing)).map((m) => m.id);
}

export function describeRecentMessages(ctx: ContractContext): void {
  describe("recent messages (newest first)", () => {
    beforeEach(async () => {
      await ctx.store().write([
        { kind: "putConversation", conversation: conversation("c1") },
        { kind: "putConversation", conversation: conversation("c2") },
        // Out of order on purpose: seq 3, unsent A (later clock), seq 1, unsent B, seq 2; one in c2.
        { kind: "putMessage", message: message("c1", "s3", { seq: 3 }) },
        { kind: "putMessage", message: unsent("c1", "uA", 2_000) },
        { kind: "putMessage", message: message("c1", "s1", { seq: 1 }) },
        { kind: "putMessage", message: unsent("c1", "uB", 1_000) },
        { kind: "putMessage", message: message("c1", "s2", { seq: 2 }) },
        { kind: "putMessage", message: message("c2", "s9", { seq: 9 }) },
      ]);
    });

    it("[WB1] recent messages are exactly the log order reversed: unsent newest first, then seq down", async () => {
      const store = ctx.store();
      expect(await recentIds(store, "c1")).toEqual(["uA", "uB", "s3", "s2", "s1"]);
      expect(await store.listRecentMessages("c1")).toEqual((await store.listMessages("c1")).reverse());
      expect(await recentIds(store, "c2")).toEqual(["s9"]);
      expect(await recentIds(store, "not-stored")).toEqual([]);
    });

    it("[WB1] limit takes the newest; beforeSeq pages up through sent messages only", async () => {
      const store = ctx.store();
      expect(await recentIds(store, "c1", { limit: 1 })).toEqual(["uA"]);
      expect(await recentIds(store, "c1", { limit: 3 })).toEqual(["uA", "uB", "s3"]);
      expect(await recentIds(store, "c1", { beforeSeq: 3 })).toEqual(["s2", "s1"]);
      expect(await recentIds(store, "c1", { beforeSeq: 2, limit: 5 })).toEqual(["s1"]);
      expect(await recentIds(store, "c1", { beforeSeq: 1 })).toEqual([]);
      expect(await recentIds(store, "c1", { limit: 0 })).toEqual([]);
    });

    it("[WB1] an outgoing message acknowledged with its seq moves from the top into seq order", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "putMessage", message: { ...unsent("c1", "uB", 1_000), seq: 4, serverTime: 9 } },
      ]);
      expect(await recentIds(store, "c1", { limit: 2 })).toEqual(["uA", "uB"]);
      expect(await recentIds(store, "c1", { beforeSeq: 4 })).toEqual(["s3", "s2", "s1"]);
    });

    it("[WB1] with nothing unsent, the newest page is the highest seqs", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "putConversation", conversation: conversation("c3") },
        ...[5, 1, 4, 2, 3].map((seq) => ({
          kind: "putMessage" as const,
          message: message("c3", `m${seq}`, { seq }),
        })),
      ]);
      expect(await recentIds(store, "c3")).toEqual(["m5", "m4", "m3", "m2", "m1"]);
      expect(await recentIds(store, "c3", { limit: 2 })).toEqual(["m5", "m4"]);
      expect(await recentIds(store, "c3", { limit: 0 })).toEqual([]);
      expect(await recentIds(store, "c2", { limit: 2 })).toEqual(["s9"]);
    });

    it("[WB1] a limit or beforeSeq that is not an integer, or a negative limit, is refused", async () => {
      const store = ctx.store();
      await expectStoreError(store.listRecentMessages("c1", { limit: -1 }), "INVALID_ARGUMENT");
      await expectStoreError(store.listRecentMessages("c1", { limit: 0.5 }), "INVALID_ARGUMENT");
      await expectStoreError(store.listRecentMessages("c1", { beforeSeq: Number.NaN }), "INVALID_ARGUMENT");
    });
  });
}
