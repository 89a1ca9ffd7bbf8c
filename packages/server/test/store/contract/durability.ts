import { describe, expect, it } from "vitest";
import type { StoreHarness } from "./fixtures.js";
import {
  T0,
  commitOf,
  entryOf,
  expectBytes,
  message,
  newAccount,
  newGroup,
  signatureKey,
  utf8,
} from "./fixtures.js";

export function durabilityContract(h: () => StoreHarness): void {
  describe("durability", () => {
    it("[DS2] everything a resolved write stored is still there after close and reopen", async () => {
      const harness = h();
      const store = harness.store;
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await store.touchDevice(alice.deviceId, T0 + 7);
      await store.addKeyPackages(bob.deviceId, [utf8("kp0"), utf8("kp1")], utf8("last"));
      await newGroup(store, "g1", alice, utf8("gi0"));
      const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 13) & 0xff);
      await store.appendMessage(message("g1", alice, "m1", payload));
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "c1",
          membership: { addedDevices: [bob.deviceId], addedAccounts: [bob.address] },
          welcome: utf8("welcome"),
          groupInfo: utf8("gi1"),
        }),
      );
      await store.appendMessage(message("g1", alice, "m3", { epoch: 1 }));
      await store.advanceCursors(alice.deviceId, [{ conversationId: "g1", seq: 2 }]);
      await store.close();

      const reopened = await harness.reopen();
      expect(await reopened.getAccount(alice.address)).toMatchObject({
        address: alice.address,
        displayName: "alice",
      });
      const device = await reopened.getDevice(alice.deviceId);
      expect(device?.lastSeenAt).toBe(T0 + 7);
      expectBytes(device?.signatureKey, signatureKey("alice".length));
      expect(await reopened.countKeyPackages(bob.deviceId)).toBe(2);
      const conversation = await reopened.getConversation("g1");
      expect(conversation).toMatchObject({
        epoch: 1,
        lastSeq: 3,
        participants: [alice.address, bob.address],
      });
      expectBytes(conversation?.groupInfo, utf8("gi1"));
      const log = await reopened.readLog("g1", 0, 10);
      expect(log.map((e) => [e.seq, e.kind, e.clientMessageId])).toEqual([
        [1, "application", "m1"],
        [2, "commit", "c1"],
        [3, "application", "m3"],
      ]);
      expectBytes(log[0]?.payload, payload);
      expect(await reopened.getMembership("g1", bob.deviceId)).toEqual({ joinedSeq: 2 });
      expect((await reopened.listConversations(alice.deviceId)).map((v) => v.cursor)).toEqual([2]);
      const inbox = await reopened.readInbox(bob.deviceId, 0, 10);
      expect(inbox).toHaveLength(1);
      expectBytes(inbox[0]?.payload, utf8("welcome"));

      // The reopened store carries on: seqs continue, idempotency still holds.
      expect(entryOf(await reopened.appendMessage(message("g1", alice, "m4", { epoch: 1 }))).seq).toBe(4);
      expect((await reopened.appendMessage(message("g1", alice, "m1"))).kind).toBe("duplicate");
      expect((await reopened.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "late" }))).kind).toBe(
        "epoch_conflict",
      );
    });

    it("[EG5] ping resolves while the store can answer and rejects after close (readiness)", async () => {
      const { store } = h();
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });

    it("[DS2] writes still queued when close is called are stored, not dropped", async () => {
      const harness = h();
      const alice = await newAccount(harness.store, "alice");
      await newGroup(harness.store, "g1", alice);
      const pending = Array.from({ length: 5 }, (_, i) =>
        harness.store.appendMessage(message("g1", alice, `m${i}`)),
      );
      const closing = harness.store.close();
      const results = await Promise.allSettled(pending);
      await closing;
      const stored = results.filter((r) => r.status === "fulfilled").length;
      const reopened = await harness.reopen();
      // Every write that was acknowledged is there; nothing unacknowledged is claimed to be.
      expect((await reopened.readLog("g1", 0, 10)).length).toBe(stored);
      expect(stored).toBe(5);
    });
  });
}
