import { describe, expect, it } from "vitest";
import type { PruneCut, PruneLogResult, Store } from "../../../src/store/port.js";
import type { StoreHarness } from "./fixtures.js";
import { T0, commitOf, entryOf, message, newAccount, newGroup, utf8 } from "./fixtures.js";

/** Messages carry serverTime T0 + 1: these cuts are before and after them. */
const NOTHING: PruneCut = { ackedBefore: T0, expiredBefore: T0 };
const ACKED: PruneCut = { ackedBefore: T0 + 10, expiredBefore: T0 };
const EXPIRED: PruneCut = { ackedBefore: T0 + 10, expiredBefore: T0 + 10 };

const WHOLE = { after: "", conversations: 100, entries: 1000 };

async function seqsOf(store: Store, conversationId: string): Promise<number[]> {
  return (await store.readLog(conversationId, 0, 100)).map((e) => e.seq);
}

/** Every step until the pass is done, as the hub's pruner runs them. */
async function pruneAll(
  store: Store,
  cut: PruneCut,
  conversations: number,
  entries: number,
): Promise<number> {
  let after: string | undefined = "";
  let deleted = 0;
  for (let steps = 0; after !== undefined; steps++) {
    if (steps > 100) throw new Error("the pruning pass does not end");
    const step: PruneLogResult = await store.pruneLog(cut, { after, conversations, entries });
    deleted += step.deleted;
    after = step.next;
  }
  return deleted;
}

export function retentionContract(h: () => StoreHarness): void {
  describe("retention and quotas", () => {
    it("[ST26] entries every member acknowledged are pruned after the grace period; seqs are never reused", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      expect(
        (
          await store.commit(
            commitOf("g1", alice, {
              epoch: 0,
              clientMessageId: "add",
              membership: { addedDevices: [bob.deviceId] },
              welcome: utf8("w"),
            }),
          )
        ).kind,
      ).toBe("committed");
      for (let i = 1; i <= 4; i++) await store.appendMessage(message("g1", alice, `m${i}`, { epoch: 1 }));
      expect(await seqsOf(store, "g1")).toEqual([1, 2, 3, 4, 5]);
      await store.advanceCursors(alice.deviceId, [{ conversationId: "g1", seq: 5 }]);
      await store.advanceCursors(bob.deviceId, [{ conversationId: "g1", seq: 3 }]);

      // Within the grace period nothing goes, acknowledged or not.
      expect((await store.pruneLog(NOTHING, WHOLE)).deleted).toBe(0);
      // Past it, what the slowest member (bob, at 3) acknowledged goes.
      expect(await store.pruneLog(ACKED, WHOLE)).toEqual({ deleted: 3, next: undefined });
      expect(await seqsOf(store, "g1")).toEqual([4, 5]);
      expect(await store.getMembership("g1", bob.deviceId)).toEqual({ joinedSeq: 1, prunedSeq: 3 });
      // Nothing more until bob moves on.
      expect((await store.pruneLog(ACKED, WHOLE)).deleted).toBe(0);

      const next = await store.appendMessage(message("g1", alice, "m5", { epoch: 1 }));
      expect(entryOf(next).seq).toBe(6);
      expect((await store.getConversation("g1"))?.lastSeq).toBe(6);
      // A retry of a pruned message is not found as a duplicate any more, but
      // the client's ack came long before: the retention window is far longer.
    });

    it("[ST26] past the retention limit everything goes, whatever the cursors", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      for (let i = 1; i <= 3; i++) await store.appendMessage(message("g1", alice, `m${i}`));
      expect((await store.pruneLog(ACKED, WHOLE)).deleted).toBe(0);
      expect((await store.pruneLog(EXPIRED, WHOLE)).deleted).toBe(3);
      expect(await seqsOf(store, "g1")).toEqual([]);
      expect((await store.getMembership("g1", alice.deviceId))?.prunedSeq).toBe(3);
      expect(entryOf(await store.appendMessage(message("g1", alice, "m4"))).seq).toBe(4);
      expect(await seqsOf(store, "g1")).toEqual([4]);
    });

    it("[ST51] the last seq holds with the log pruned empty: reported, clamping cursors, and after reopening", async () => {
      const harness = h();
      const { store } = harness;
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await Promise.all([1, 2, 3].map((i) => store.appendMessage(message("g1", alice, `m${i}`))));
      expect((await store.getConversation("g1"))?.lastSeq).toBe(3);
      expect((await store.pruneLog(EXPIRED, WHOLE)).deleted).toBe(3);
      expect((await store.getConversation("g1"))?.lastSeq).toBe(3);
      expect((await store.listConversations(alice.deviceId)).map((c) => c.lastSeq)).toEqual([3]);
      // A cursor cannot pass the last seq.
      await store.advanceCursors(alice.deviceId, [{ conversationId: "g1", seq: 99 }]);
      const reopened = await harness.reopen();
      expect((await reopened.getConversation("g1"))?.lastSeq).toBe(3);
      expect((await reopened.listConversations(alice.deviceId))[0]).toMatchObject({ lastSeq: 3, cursor: 3 });
      expect(entryOf(await reopened.appendMessage(message("g1", alice, "m4"))).seq).toBe(4);
      expect((await reopened.listConversations(alice.deviceId, { afterId: "", limit: 5 }))[0]?.lastSeq).toBe(
        4,
      );
    });

    it("[ST26] a pass is made of bounded steps that visit every conversation and delete everything due", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      for (const id of ["g1", "g2", "g3", "g4", "g5"]) {
        await newGroup(store, id, alice);
        for (let i = 1; i <= 7; i++) await store.appendMessage(message(id, alice, `m${i}`));
      }
      const first = await store.pruneLog(EXPIRED, { after: "", conversations: 2, entries: 5 });
      expect(first.deleted).toBe(5);
      expect(first.next).toBe("");
      expect(await pruneAll(store, EXPIRED, 2, 5)).toBe(30);
      for (const id of ["g1", "g2", "g3", "g4", "g5"]) {
        expect(await seqsOf(store, id)).toEqual([]);
        expect((await store.getMembership(id, alice.deviceId))?.prunedSeq).toBe(7);
      }
      expect(await pruneAll(store, EXPIRED, 2, 5)).toBe(0);
    });

    it("[ST26] inbox items past the retention limit are pruned, at most `limit` per call", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      for (let i = 0; i < 3; i++) {
        const item = await store.putInbox({
          deviceId: alice.deviceId,
          kind: "device_message",
          payload: utf8(`note ${i}`),
          senderAddress: alice.address,
          senderDeviceId: alice.deviceId,
          serverTime: T0 + i,
        });
        expect(item).toBeDefined();
      }
      expect(await store.pruneInbox(T0 + 2, 1)).toBe(1);
      expect(await store.pruneInbox(T0 + 2, 10)).toBe(1);
      expect((await store.readInbox(alice.deviceId, 0, 10)).map((i) => i.serverTime)).toEqual([T0 + 2]);
    });

    it("[DS11] over its quota a device's message is refused and nothing is stored; pruning frees it", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const quota = { maxQueuedBytes: 10 };
      const sent = (id: string, payload: string) =>
        store.appendMessage({ ...message("g1", alice, id, utf8(payload)), ...quota });
      expect((await sent("m1", "123456")).kind).toBe("appended");
      expect(await store.queuedBytes(alice.deviceId)).toBe(6);
      expect((await sent("m2", "12345")).kind).toBe("quota_exceeded");
      expect(await seqsOf(store, "g1")).toEqual([1]);
      // A retry of a stored message is still answered with its entry.
      expect((await sent("m1", "123456")).kind).toBe("duplicate");
      expect((await sent("m3", "1234")).kind).toBe("appended");
      expect(await store.queuedBytes(alice.deviceId)).toBe(10);
      await store.advanceCursors(alice.deviceId, [{ conversationId: "g1", seq: 1 }]);
      expect((await store.pruneLog(ACKED, WHOLE)).deleted).toBe(1);
      expect(await store.queuedBytes(alice.deviceId)).toBe(4);
      expect((await sent("m2", "12345")).kind).toBe("appended");
      expect(await seqsOf(store, "g1")).toEqual([2, 3]);
    });

    it("[DS11] concurrent sends never take a device past its quota", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.appendMessage({ ...message("g1", alice, `m${i}`, utf8("12345")), maxQueuedBytes: 22 }),
        ),
      );
      expect(results.filter((r) => r.kind === "appended")).toHaveLength(4);
      expect(results.filter((r) => r.kind === "quota_exceeded")).toHaveLength(6);
      expect(await store.queuedBytes(alice.deviceId)).toBe(20);
    });

    it("[DS13] putInboxWithin refuses an item that would take the inbox over its bytes, storing nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const item = (text: string) => ({
        deviceId: alice.deviceId,
        kind: "device_message" as const,
        payload: utf8(text),
        senderAddress: alice.address,
        senderDeviceId: "alice-2",
        serverTime: T0,
      });
      const first = await store.putInboxWithin(item("123456"), 10);
      expect(first).toMatchObject({ deviceId: alice.deviceId });
      expect(await store.putInboxWithin(item("12345"), 10)).toBe("quota_exceeded");
      expect(await store.putInboxWithin(item("1234"), 10)).toMatchObject({ deviceId: alice.deviceId });
      expect((await store.readInbox(alice.deviceId, 0, 10)).map((i) => i.payload.byteLength)).toEqual([6, 4]);
      // Reading and acknowledging makes room again.
      const [, last] = await store.readInbox(alice.deviceId, 0, 10);
      await store.ackInbox(alice.deviceId, last!.id);
      expect(await store.putInboxWithin(item("12345"), 10)).toMatchObject({ deviceId: alice.deviceId });
      await store.revokeDevice(alice.deviceId, T0);
      expect(await store.putInboxWithin(item("x"), 10)).toBeUndefined();
    });
  });
}
