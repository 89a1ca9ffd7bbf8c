/** XP5, XP6, XP8: search over stored messages, expired messages, scrub (store/searchPort.ts, expiryPort.ts). */
import { beforeEach, describe, expect, it } from "vitest";
import { supportsExpiry, type MessageExpiryStore } from "../../../src/store/expiryPort.js";
import type { LocalStore } from "../../../src/store/port.js";
import { supportsSearch, type MessageSearchStore } from "../../../src/store/searchPort.js";
import { conversation, message } from "../fixtures.js";
import type { ContractContext } from "./context.js";

type FullStore = LocalStore & MessageSearchStore & MessageExpiryStore;

function full(store: LocalStore): FullStore {
  if (!supportsSearch(store) || !supportsExpiry(store)) throw new Error("the adapter lacks search or expiry");
  return store;
}

export function describeSearchAndExpiry(ctx: ContractContext): void {
  describe("search and expiry", () => {
    const store = () => full(ctx.store());
    const ids = (found: { id: string }[]) => found.map((m) => m.id);

    beforeEach(async () => {
      await ctx.store().write([
        { kind: "putConversation", conversation: conversation("c1") },
        { kind: "putConversation", conversation: conversation("c2") },
        {
          kind: "putMessage",
          message: message("c1", "m1", { seq: 1, text: "Lunch at the Café tomorrow?", serverTime: 100 }),
        },
        {
          kind: "putMessage",
          message: message("c1", "m2", { seq: 2, text: "lunchbox forgotten", serverTime: 200 }),
        },
        {
          kind: "putMessage",
          message: message("c2", "m3", { seq: 1, text: "no LUNCH today, cafe closed", serverTime: 300 }),
        },
      ]);
    });

    it("[XP8] every term must start a word, case and accents ignored, newest first, across conversations", async () => {
      expect(ids(await store().searchMessages("lunch"))).toEqual(["m3", "m2", "m1"]);
      expect(ids(await store().searchMessages("CAFE lunch"))).toEqual(["m3", "m1"]);
      expect(ids(await store().searchMessages("café"))).toEqual(["m3", "m1"]);
      expect(ids(await store().searchMessages("unch"))).toEqual([]);
      expect(ids(await store().searchMessages("lunch", { limit: 1 }))).toEqual(["m3"]);
      expect(await store().searchMessages("  ?! ")).toEqual([]);
      expect(ids(await store().searchMessages('"lunch" OR'))).toEqual([]);
      expect(ids(await store().searchMessages('"closed'))).toEqual(["m3"]);
      expect(await store().searchMessages("lunch")).toEqual([
        message("c2", "m3", { seq: 1, text: "no LUNCH today, cafe closed", serverTime: 300 }),
        message("c1", "m2", { seq: 2, text: "lunchbox forgotten", serverTime: 200 }),
        message("c1", "m1", { seq: 1, text: "Lunch at the Café tomorrow?", serverTime: 100 }),
      ]);
    });

    it("[XP8] an edit is found by its new text only; deleted for everyone or for me, never", async () => {
      const m1 = (await ctx.store().getMessage("c1", "m1"))!;
      await ctx.store().write([
        { kind: "putMessage", message: { ...m1, text: "dinner instead", editCount: 1 } },
        {
          kind: "putMessage",
          message: { ...(await ctx.store().getMessage("c1", "m2"))!, text: "", deleted: true },
        },
        { kind: "deleteMessage", conversationId: "c2", id: "m3" },
      ]);
      expect(await store().searchMessages("lunch")).toEqual([]);
      expect(await store().searchMessages("cafe")).toEqual([]);
      expect(ids(await store().searchMessages("dinner"))).toEqual(["m1"]);
    });

    it("[XP8] a batch that fails leaves the index as it was (LS1)", async () => {
      const m1 = (await ctx.store().getMessage("c1", "m1"))!;
      await expect(
        ctx.store().write([
          { kind: "putMessage", message: { ...m1, text: "dinner instead" } },
          { kind: "putMessage", message: message("nope", "x") },
        ]),
      ).rejects.toThrow();
      expect(ids(await store().searchMessages("lunch"))).toEqual(["m3", "m2", "m1"]);
      expect(await store().searchMessages("dinner")).toEqual([]);
    });

    it("[XP5] expired messages, earliest first, and the next expiry", async () => {
      expect(await store().nextExpiry()).toBeNull();
      const m1 = (await ctx.store().getMessage("c1", "m1"))!;
      const m2 = (await ctx.store().getMessage("c1", "m2"))!;
      const m3 = (await ctx.store().getMessage("c2", "m3"))!;
      await ctx.store().write([
        { kind: "putMessage", message: { ...m2, expiresAt: 5_000 } },
        { kind: "putMessage", message: { ...m1, expiresAt: 5_000 } },
        { kind: "putMessage", message: { ...m3, expiresAt: 4_000 } },
      ]);
      expect(await store().nextExpiry()).toBe(4_000);
      expect(await store().listExpiredMessages(3_999, 10)).toEqual([]);
      expect(ids(await store().listExpiredMessages(4_000, 10))).toEqual(["m3"]);
      // Earliest first; at the same time, by conversation then id.
      expect(ids(await store().listExpiredMessages(9_000, 10))).toEqual(["m3", "m1", "m2"]);
      expect(ids(await store().listExpiredMessages(9_000, 1))).toEqual(["m3"]);
      await ctx.store().write([{ kind: "deleteMessage", conversationId: "c2", id: "m3" }]);
      expect(await store().nextExpiry()).toBe(5_000);
      await store().scrub();
      expect(ids(await store().listExpiredMessages(9_000, 10))).toEqual(["m1", "m2"]);
      // A message whose timer is taken off is no longer due.
      await ctx.store().write([{ kind: "putMessage", message: { ...m2, expiresAt: null } }]);
      expect(ids(await store().listExpiredMessages(9_000, 10))).toEqual(["m1"]);
      expect(ids(await store().searchMessages("lunch"))).toEqual(["m2", "m1"]);
    });
  });
}
