import { describe, expect, it } from "vitest";
import type { StoreHarness } from "./fixtures.js";
import {
  T0,
  commitOf,
  delta,
  entryOf,
  expectBytes,
  message,
  newAccount,
  newDevice,
  newGroup,
  utf8,
} from "./fixtures.js";

export function commitContract(h: () => StoreHarness): void {
  describe("commits", () => {
    it("[DS1] a commit for the current epoch is appended and moves the epoch on by one", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await store.appendMessage(message("g1", alice, "m1"));
      const result = await store.commit(
        commitOf("g1", alice, { epoch: 0, clientMessageId: "c1", groupInfo: utf8("gi1") }),
      );
      if (result.kind !== "committed") throw new Error(`expected committed, got ${result.kind}`);
      expect(result.entry).toMatchObject({
        seq: 2,
        kind: "commit",
        epoch: 0,
        clientMessageId: "c1",
        membership: delta({}),
      });
      expect(result.inbox).toEqual([]);
      const conversation = await store.getConversation("g1");
      expect(conversation).toMatchObject({ epoch: 1, lastSeq: 2 });
      expectBytes(conversation?.groupInfo, utf8("gi1"));
      const [, stored] = await store.readLog("g1", 0, 10);
      expect(stored).toMatchObject({ seq: 2, kind: "commit", membership: delta({}) });
      expectBytes(stored?.payload, utf8("commit c1"));
    });

    it("[DS1] a stale commit is refused with the current epoch, and changes nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c1", groupInfo: utf8("gi1") }));
      const stale = await store.commit(
        commitOf("g1", alice, { epoch: 0, clientMessageId: "c2", groupInfo: utf8("stale") }),
      );
      expect(stale).toEqual({ kind: "epoch_conflict", currentEpoch: 1 });
      const ahead = await store.commit(commitOf("g1", alice, { epoch: 5, clientMessageId: "c3" }));
      expect(ahead).toEqual({ kind: "epoch_conflict", currentEpoch: 1 });
      const conversation = await store.getConversation("g1");
      expect(conversation).toMatchObject({ epoch: 1, lastSeq: 1 });
      expectBytes(conversation?.groupInfo, utf8("gi1"));
    });

    it("[DS1] exactly one of many concurrent commits for the same epoch wins", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: `c${i}` })),
        ),
      );
      expect(results.filter((r) => r.kind === "committed")).toHaveLength(1);
      expect(results.filter((r) => r.kind === "epoch_conflict")).toEqual(
        Array.from({ length: 9 }, () => ({ kind: "epoch_conflict", currentEpoch: 1 })),
      );
      expect(await store.getConversation("g1")).toMatchObject({ epoch: 1, lastSeq: 1 });
    });

    it("[DS3] a retried commit is answered duplicate with the same seq, and applied once", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      const commit = commitOf("g1", alice, {
        epoch: 0,
        clientMessageId: "c1",
        membership: { addedDevices: [bob.deviceId] },
        welcome: utf8("w"),
      });
      const first = await store.commit(commit);
      const retry = await store.commit(commit);
      expect(first.kind).toBe("committed");
      expect(retry.kind).toBe("duplicate");
      expect(retry.kind === "duplicate" && retry.entry.seq).toBe(1);
      expect(await store.getConversation("g1")).toMatchObject({ epoch: 1, lastSeq: 1 });
      expect(await store.readInbox(bob.deviceId, 0, 10)).toHaveLength(1);
    });

    it("[DS3] commits and application messages share one idempotency key space", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await store.appendMessage(message("g1", alice, "same"));
      const result = await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "same" }));
      expect(result.kind === "duplicate" && [result.entry.seq, result.entry.kind]).toEqual([
        1,
        "application",
      ]);
      expect(await store.getConversation("g1")).toMatchObject({ epoch: 0, lastSeq: 1 });
      const commit = await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c1" }));
      expect(commit.kind).toBe("committed");
      const append = await store.appendMessage(message("g1", alice, "c1"));
      expect([append.kind, entryOf(append).kind, entryOf(append).seq]).toEqual(["duplicate", "commit", 2]);
    });

    it("[ST6] added devices become members from the commit's seq; removed devices stop being members", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const carol = await newAccount(store, "carol");
      await newGroup(store, "g1", alice);
      await store.appendMessage(message("g1", alice, "m1"));
      await store.appendMessage(message("g1", alice, "m2"));
      const add = await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "add",
          membership: {
            addedDevices: [bob.deviceId, carol.deviceId],
            addedAccounts: [bob.address, carol.address],
          },
        }),
      );
      expect(add.kind === "committed" && add.entry.seq).toBe(3);
      expect(await store.getMembership("g1", bob.deviceId)).toEqual({ joinedSeq: 3 });
      expect((await store.listConversations(bob.deviceId)).map((v) => v.cursor)).toEqual([3]);
      expect((await store.listMembers("g1")).sort()).toEqual(
        [alice.deviceId, bob.deviceId, carol.deviceId].sort(),
      );
      expect((await store.getConversation("g1"))?.participants).toEqual([
        alice.address,
        bob.address,
        carol.address,
      ]);

      const remove = await store.commit(
        commitOf("g1", alice, {
          epoch: 1,
          clientMessageId: "remove",
          membership: { removedDevices: [carol.deviceId], removedAccounts: [carol.address] },
        }),
      );
      expect(remove.kind).toBe("committed");
      expect(await store.getMembership("g1", carol.deviceId)).toBeUndefined();
      expect(await store.listConversations(carol.deviceId)).toEqual([]);
      expect((await store.listMembers("g1")).sort()).toEqual([alice.deviceId, bob.deviceId].sort());
      expect((await store.getConversation("g1"))?.participants).toEqual([alice.address, bob.address]);
      const [entry] = await store.readLog("g1", 3, 1);
      expect(entry?.membership).toEqual(
        delta({ removedDevices: [carol.deviceId], removedAccounts: [carol.address] }),
      );
    });

    it("[ST6] a device removed and re-added by one commit is a member from that commit's seq", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "c1",
          membership: { addedDevices: [bob.deviceId] },
        }),
      );
      await store.commit(
        commitOf("g1", alice, {
          epoch: 1,
          clientMessageId: "c2",
          membership: { removedDevices: [bob.deviceId], addedDevices: [bob.deviceId] },
        }),
      );
      expect(await store.getMembership("g1", bob.deviceId)).toEqual({ joinedSeq: 2 });
    });

    it("[ST6] the Welcome goes to each added device's inbox, and only theirs", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newDevice(store, bob.address, "bob-2");
      await newGroup(store, "g1", alice);
      const welcome = Uint8Array.from([0, 1, 2, 253, 254, 255]);
      const result = await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "c1",
          membership: { addedDevices: [bob.deviceId, "bob-2"], addedAccounts: [bob.address] },
          welcome,
        }),
      );
      if (result.kind !== "committed") throw new Error(`expected committed, got ${result.kind}`);
      expect(result.inbox.map((i) => i.deviceId).sort()).toEqual([bob.deviceId, "bob-2"]);
      for (const deviceId of [bob.deviceId, "bob-2"]) {
        const items = await store.readInbox(deviceId, 0, 10);
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({
          deviceId,
          kind: "welcome",
          conversationId: "g1",
          senderAddress: alice.address,
          serverTime: T0 + 2,
          seq: 1,
        });
        expect(result.inbox.find((i) => i.deviceId === deviceId)?.id).toBe(items[0]?.id);
        expectBytes(items[0]?.payload, welcome);
      }
      expect(await store.readInbox(alice.deviceId, 0, 10)).toEqual([]);
    });

    it("[ST6] a commit without a Welcome puts nothing in any inbox", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "c1",
          membership: { addedDevices: [bob.deviceId] },
          welcome: null,
        }),
      );
      expect(await store.readInbox(bob.deviceId, 0, 10)).toEqual([]);
      expect(await store.getMembership("g1", bob.deviceId)).toEqual({ joinedSeq: 1 });
    });

    it("[ST10] a commit naming an unknown conversation or device rejects and changes nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await expect(
        store.commit(commitOf("nope", alice, { epoch: 0, clientMessageId: "c0" })),
      ).rejects.toThrow();
      const bad = commitOf("g1", alice, {
        epoch: 0,
        clientMessageId: "c1",
        membership: { addedDevices: ["ghost-1"] },
        welcome: utf8("w"),
      });
      const [rejected, fine] = await Promise.allSettled([
        store.commit(bad),
        store.appendMessage(message("g1", alice, "m1")),
      ]);
      expect(rejected.status).toBe("rejected");
      expect(fine.status).toBe("fulfilled");
      expect(await store.getConversation("g1")).toMatchObject({ epoch: 0, lastSeq: 1 });
      expect((await store.readLog("g1", 0, 10)).map((e) => e.clientMessageId)).toEqual(["m1"]);
      expect(await store.getMembership("g1", "ghost-1")).toBeUndefined();
    });
  });
}
