import { describe, expect, it } from "vitest";
import type { Store } from "../../../src/store/port.js";
import type { StoreHarness } from "./fixtures.js";
import { T0, message, newAccount, newGroup, utf8 } from "./fixtures.js";

async function seqsOf(store: Store, conversationId: string): Promise<number[]> {
  return (await store.readLog(conversationId, 0, 100)).map((e) => e.seq);
}

/** [XP7] the hub deletes a disappearing message's entry at its expiry, whatever the cursors. */
export function entryExpiryContract(h: () => StoreHarness): void {
  describe("disappearing messages", () => {
    it("[XP7] an entry goes at its expiry, unread or not, freeing its sender's quota; others stay", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await newGroup(store, "g2", alice);
      for (const id of ["m1", "m2", "m3"]) await store.appendMessage(message("g1", alice, id, utf8("12345")));
      await store.appendMessage(message("g2", alice, "n1", utf8("123")));
      expect(await store.queuedBytes(alice.deviceId)).toBe(18);
      await store.setEntryExpiry("g1", 1, T0 + 100);
      await store.setEntryExpiry("g1", 3, T0 + 200);
      await store.setEntryExpiry("g2", 1, T0 + 100);
      // Set again (a retried send): the earlier time stays.
      await store.setEntryExpiry("g1", 3, T0 + 900);

      expect(await store.pruneExpiredEntries(T0 + 99, 10)).toBe(0);
      expect(await store.pruneExpiredEntries(T0 + 100, 1)).toBe(1);
      expect(await store.pruneExpiredEntries(T0 + 100, 10)).toBe(1);
      expect(await seqsOf(store, "g1")).toEqual([2, 3]);
      expect(await seqsOf(store, "g2")).toEqual([]);
      expect(await store.queuedBytes(alice.deviceId)).toBe(10);
      expect(await store.pruneExpiredEntries(T0 + 200, 10)).toBe(1);
      expect(await seqsOf(store, "g1")).toEqual([2]);
      expect(await store.queuedBytes(alice.deviceId)).toBe(5);
      expect(await store.pruneExpiredEntries(T0 + 10_000, 10)).toBe(0);
      // The hole is no gap for the next append: seqs are never reused.
      await store.appendMessage(message("g1", alice, "m4"));
      expect(await seqsOf(store, "g1")).toEqual([2, 4]);
    });

    it("[XP7] an expiry for an entry already pruned is forgotten at its time, deleting nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await store.setEntryExpiry("g1", 7, T0 + 5);
      expect(await store.pruneExpiredEntries(T0 + 5, 10)).toBe(0);
      await store.appendMessage(message("g1", alice, "m1"));
      expect(await store.pruneExpiredEntries(T0 + 5, 10)).toBe(0);
      expect(await seqsOf(store, "g1")).toEqual([1]);
    });
  });
}
