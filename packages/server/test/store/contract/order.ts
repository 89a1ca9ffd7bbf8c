import { describe, expect, it } from "vitest";
import type { AppendResult, Store } from "../../../src/store/port.js";
import type { StoreHarness, TestAccount } from "./fixtures.js";
import { T0, commitOf, message, newAccount, newDevice, newGroup, utf8 } from "./fixtures.js";

/**
 * [ST31] [ST32] The append and commit algorithms are written once
 * (store/algorithms) and every adapter runs them; these pin the ORDER of
 * their steps where the two adapters used to differ: SQLite checked the
 * quota before the epoch and the hub's proposals, PostgreSQL after; and
 * PostgreSQL's batched append counted a message refused for its quota
 * against the messages after it in the same batch, SQLite did not.
 */

const kinds = (results: AppendResult[]): string[] => results.map((r) => r.kind);

async function seqsOf(store: Store, conversationId: string): Promise<number[]> {
  return (await store.readLog(conversationId, 0, 100)).map((e) => e.seq);
}

/** Alice's group "g1" where she has stored `used` bytes of a 10-byte quota. */
async function groupWithQuotaUsed(store: Store, used: number): Promise<TestAccount> {
  const alice = await newAccount(store, "alice");
  await newGroup(store, "g1", alice);
  const first = await store.appendMessage({
    ...message("g1", alice, "fill", utf8("x".repeat(used))),
    maxQueuedBytes: 10,
  });
  expect(first.kind).toBe("appended");
  return alice;
}

export function orderContract(h: () => StoreHarness): void {
  describe("one append and commit algorithm: the order of its steps", () => {
    it("[ST31] a message at a stale epoch and over its quota is wrong_epoch: the epoch is checked before the quota", async () => {
      const { store } = h();
      const alice = await groupWithQuotaUsed(store, 8);
      await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c1" }));
      const stale = await store.appendMessage({
        ...message("g1", alice, "m1", { epoch: 0, payload: utf8("12345") }),
        maxQueuedBytes: 10,
      });
      expect(stale).toEqual({ kind: "wrong_epoch", currentEpoch: 1 });
      // Re-encrypted for the current epoch, the same message meets the quota.
      const again = await store.appendMessage({
        ...message("g1", alice, "m1", { epoch: 1, payload: utf8("12345") }),
        maxQueuedBytes: 10,
      });
      expect(again.kind).toBe("quota_exceeded");
      expect(await seqsOf(store, "g1")).toEqual([1, 2]);
      expect(await store.queuedBytes(alice.deviceId)).toBe(8);
    });

    it("[ST31] a message held back by a hub proposal and over its quota is proposals_pending", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-2");
      await newGroup(store, "g1", alice);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "add",
          membership: { addedDevices: ["alice-2"] },
        }),
      );
      const fill = {
        ...message("g1", alice, "fill", { epoch: 1, payload: utf8("12345678") }),
        maxQueuedBytes: 10,
      };
      expect((await store.appendMessage(fill)).kind).toBe("appended");
      await store.revokeDevice("alice-2", T0 + 2);
      const proposed = await store.appendProposal({
        conversationId: "g1",
        epoch: 1,
        payload: utf8("remove alice-2"),
        ref: utf8("ref alice-2"),
        removedDeviceId: "alice-2",
        serverTime: T0 + 3,
      });
      expect(proposed.kind).toBe("appended");
      const held = await store.appendMessage({
        ...message("g1", alice, "m1", { epoch: 1, payload: utf8("12345") }),
        maxQueuedBytes: 10,
      });
      expect(held).toEqual({ kind: "proposals_pending" });
      expect(await store.queuedBytes(alice.deviceId)).toBe(8);
    });

    it("[ST31] a retry of a stored message is its duplicate even once its epoch is stale and the quota is full", async () => {
      const { store } = h();
      const alice = await groupWithQuotaUsed(store, 10);
      await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c1" }));
      const retry = await store.appendMessage({
        ...message("g1", alice, "fill", utf8("x".repeat(10))),
        maxQueuedBytes: 10,
      });
      expect(retry.kind).toBe("duplicate");
      expect(retry.kind === "duplicate" && retry.entry.seq).toBe(1);
    });

    it("[ST31] concurrent sends are decided in order, and one refused for the quota does not count against those after it", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const send = (id: string, bytes: number) =>
        store.appendMessage({ ...message("g1", alice, id, utf8("x".repeat(bytes))), maxQueuedBytes: 10 });
      // Issued together, so PostgreSQL puts them in one batch and SQLite in one transaction.
      const results = await Promise.all([send("a", 8), send("b", 5), send("c", 2), send("d", 1)]);
      expect(kinds(results)).toEqual(["appended", "quota_exceeded", "appended", "quota_exceeded"]);
      const seqs = results.map((r) => (r.kind === "appended" ? r.entry.seq : null));
      expect(seqs).toEqual([1, null, 2, null]);
      expect(await seqsOf(store, "g1")).toEqual([1, 2]);
      expect(await store.queuedBytes(alice.deviceId)).toBe(10);
    });

    it("[ST31] a batch over several conversations and senders numbers each conversation from its own head", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      await newGroup(store, "g2", bob);
      await store.appendMessage(message("g2", bob, "first"));
      const results = await Promise.all([
        store.appendMessage(message("g1", alice, "a1")),
        store.appendMessage(message("g2", bob, "b1")),
        store.appendMessage(message("g1", bob, "stranger")),
        store.appendMessage(message("g1", alice, "a2")),
        store.appendMessage(message("g2", bob, "first")),
      ]);
      expect(kinds(results)).toEqual(["appended", "appended", "not_member", "appended", "duplicate"]);
      expect(results.map((r) => ("entry" in r ? r.entry.seq : null))).toEqual([1, 2, null, 2, 1]);
      expect(await seqsOf(store, "g1")).toEqual([1, 2]);
      expect(await seqsOf(store, "g2")).toEqual([1, 2]);
    });

    it("[ST31] payloads of different sizes sent together are stored byte for byte, each under its own entry", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      // PostgreSQL sends a batch's payloads end to end in one parameter and cuts them apart again.
      const sizes = [0, 1, 334, 70_000, 2, 2048];
      const payloads = sizes.map((size, i) =>
        Uint8Array.from({ length: size }, (_, j) => (i * 31 + j) % 251),
      );
      const results = await Promise.all(
        payloads.map((payload, i) => store.appendMessage(message("g1", alice, `p${i}`, payload))),
      );
      expect(kinds(results)).toEqual(sizes.map(() => "appended"));
      const log = await store.readLog("g1", 0, 100);
      expect(log.map((e) => e.clientMessageId)).toEqual(sizes.map((_, i) => `p${i}`));
      for (const [i, entry] of log.entries())
        expect(Buffer.from(entry.payload).equals(payloads[i]!)).toBe(true);
    });

    it("[ST32] appends racing a commit land before it at the old epoch or are refused for it; the log has no gap", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const sends = Array.from({ length: 6 }, (_, i) => store.appendMessage(message("g1", alice, `m${i}`)));
      const commit = store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c1" }));
      const later = Array.from({ length: 6 }, (_, i) => store.appendMessage(message("g1", alice, `n${i}`)));
      const committed = await commit;
      if (committed.kind !== "committed") throw new Error(committed.kind);
      const results = await Promise.all([...sends, ...later]);
      for (const r of results) {
        if (r.kind === "appended") expect(r.entry.seq).toBeLessThan(committed.entry.seq);
        else expect(r).toEqual({ kind: "wrong_epoch", currentEpoch: 1 });
      }
      const log = await store.readLog("g1", 0, 100);
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
      expect(log.at(-1)?.kind).toBe("commit");
    });

    it("[ST32] a commit to an unknown conversation rejects and stores nothing, even under a client message id used elsewhere", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await store.appendMessage(message("g1", alice, "same"));
      await expect(
        store.commit(commitOf("nope", alice, { epoch: 0, clientMessageId: "same" })),
      ).rejects.toThrow();
      expect(await seqsOf(store, "g1")).toEqual([1]);
    });
  });
}
