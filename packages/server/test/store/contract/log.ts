import { describe, expect, it } from "vitest";
import { LIMITS } from "@switchboard/protocol";
import type { StoreHarness } from "./fixtures.js";
import { T0, commitOf, entryOf, expectBytes, message, newAccount, newGroup, utf8 } from "./fixtures.js";

export function logContract(h: () => StoreHarness): void {
  describe("the log", () => {
    it("[DS4] appendMessage assigns seq 1, 2, 3 ... per conversation and stores the entry as given", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await newGroup(store, "g2", alice);
      const seqs: number[] = [];
      for (const id of ["m1", "m2", "m3"]) {
        const result = await store.appendMessage(message("g1", alice, id));
        expect(result.kind).toBe("appended");
        seqs.push(entryOf(result).seq);
      }
      expect(seqs).toEqual([1, 2, 3]);
      expect(entryOf(await store.appendMessage(message("g2", alice, "other"))).seq).toBe(1);
      expect((await store.getConversation("g1"))?.lastSeq).toBe(3);
      const [first] = await store.readLog("g1", 0, 1);
      expect(first).toEqual({
        conversationId: "g1",
        seq: 1,
        kind: "application",
        senderDeviceId: alice.deviceId,
        senderAddress: alice.address,
        clientMessageId: "m1",
        payload: first?.payload,
        epoch: 0,
        serverTime: T0 + 1,
        membership: null,
      });
      expectBytes(first?.payload, utf8("m1"));
    });

    it("[DS3] a retry with the same client message id is stored once and gets the same seq", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const first = await store.appendMessage(message("g1", alice, "m1", utf8("original")));
      await store.appendMessage(message("g1", alice, "m2"));
      const retry = await store.appendMessage(message("g1", alice, "m1", utf8("changed on retry")));
      expect(first.kind).toBe("appended");
      expect(retry.kind).toBe("duplicate");
      expect(entryOf(retry).seq).toBe(entryOf(first).seq);
      expectBytes(entryOf(retry).payload, utf8("original"));
      expect((await store.readLog("g1", 0, 100)).map((e) => e.clientMessageId)).toEqual(["m1", "m2"]);
    });

    it("[DS3] concurrent retries of one message are stored once", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.appendMessage(message("g1", alice, "same"))),
      );
      expect(results.filter((r) => r.kind === "appended")).toHaveLength(1);
      expect(new Set(results.map((r) => entryOf(r).seq))).toEqual(new Set([1]));
      expect(await store.readLog("g1", 0, 100)).toHaveLength(1);
    });

    it("[DS10] a message for any epoch but the current one is refused with the current epoch; nothing is stored", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c1" }));
      expect(await store.appendMessage(message("g1", alice, "old", { epoch: 0 }))).toEqual({
        kind: "wrong_epoch",
        currentEpoch: 1,
      });
      expect(await store.appendMessage(message("g1", alice, "future", { epoch: 2 }))).toEqual({
        kind: "wrong_epoch",
        currentEpoch: 1,
      });
      expect(await store.getConversation("g1")).toMatchObject({ epoch: 1, lastSeq: 1 });
      // The sender encrypts it again for the current epoch, under the same id.
      expect(entryOf(await store.appendMessage(message("g1", alice, "old", { epoch: 1 }))).seq).toBe(2);
    });

    it("[DS3] the idempotency key is (conversation, sender device, client message id)", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      await newGroup(store, "g2", alice);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "add",
          membership: { addedDevices: [bob.deviceId] },
        }),
      );
      expect((await store.appendMessage(message("g1", alice, "m1", { epoch: 1 }))).kind).toBe("appended");
      expect((await store.appendMessage(message("g1", bob, "m1", { epoch: 1 }))).kind).toBe("appended");
      expect((await store.appendMessage(message("g2", alice, "m1"))).kind).toBe("appended");
    });

    it("[DS4] readLog returns entries after a seq, in seq order, at most limit", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      await newGroup(store, "g2", alice);
      for (let i = 1; i <= 5; i++) await store.appendMessage(message("g1", alice, `m${i}`));
      await store.appendMessage(message("g2", alice, "elsewhere"));
      const seqs = async (after: number, limit: number): Promise<number[]> =>
        (await store.readLog("g1", after, limit)).map((e) => e.seq);
      expect(await seqs(0, 2)).toEqual([1, 2]);
      expect(await seqs(2, 10)).toEqual([3, 4, 5]);
      expect(await seqs(5, 10)).toEqual([]);
      expect(await seqs(0, 0)).toEqual([]);
      expect(await seqs(0, -1)).toEqual([]);
      expect(await store.readLog("nope", 0, 10)).toEqual([]);
    });

    it("[EG1] readLog with a byte budget stops right after the entry that takes it over, never empty", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      // Payloads of 100, 200, 300, 400 and 500 bytes: running totals 100, 300, 600, 1000, 1500.
      for (let i = 1; i <= 5; i++)
        await store.appendMessage(message("g1", alice, `m${i}`, new Uint8Array(i * 100)));
      const seqs = async (after: number, limit: number, maxBytes: number): Promise<number[]> =>
        (await store.readLog("g1", after, limit, maxBytes)).map((e) => e.seq);
      expect(await seqs(0, 10, 99)).toEqual([1]);
      expect(await seqs(0, 10, 100)).toEqual([1, 2]);
      expect(await seqs(0, 10, 299)).toEqual([1, 2]);
      expect(await seqs(0, 10, 300)).toEqual([1, 2, 3]);
      expect(await seqs(0, 10, 0)).toEqual([1]);
      expect(await seqs(2, 10, 1)).toEqual([3]);
      expect(await seqs(0, 2, 10_000)).toEqual([1, 2]);
      expect(await seqs(0, 10, 10_000)).toEqual([1, 2, 3, 4, 5]);
      expect(await seqs(0, 0, 10_000)).toEqual([]);
      const [entry] = await store.readLog("g1", 3, 10, 0);
      expect(entry?.payload.length).toBe(400);
    });

    it("[EG1] readInbox with a byte budget stops as readLog does", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      for (let i = 1; i <= 3; i++) {
        await newGroup(store, `w${i}`, alice);
        await store.commit(
          commitOf(`w${i}`, alice, {
            epoch: 0,
            clientMessageId: "add",
            membership: { addedDevices: [bob.deviceId] },
            welcome: new Uint8Array(i * 100),
          }),
        );
      }
      const kinds = async (limit: number, maxBytes: number): Promise<string[]> =>
        (await store.readInbox(bob.deviceId, 0, limit, maxBytes)).map((item) => item.conversationId);
      expect(await kinds(10, 100)).toEqual(["w1", "w2"]);
      expect(await kinds(10, 99)).toEqual(["w1"]);
      expect(await kinds(10, 0)).toEqual(["w1"]);
      expect(await kinds(10, 300)).toEqual(["w1", "w2", "w3"]);
      expect(await kinds(1, 10_000)).toEqual(["w1"]);
    });

    it("[DS4] many concurrent appends get distinct, contiguous seqs", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const n = 200;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => store.appendMessage(message("g1", alice, `m${i}`))),
      );
      const seqs = results.map((r) => entryOf(r).seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const log = await store.readLog("g1", 0, n + 10);
      expect(log.map((e) => e.seq)).toEqual(seqs);
      // Each caller got the seq its own message was stored at.
      for (const entry of results.map(entryOf))
        expect(log[entry.seq - 1]?.clientMessageId).toBe(entry.clientMessageId);
    });

    it("[ST9] payload bytes round-trip exactly: every byte value, empty, and the largest message", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      const every = Uint8Array.from({ length: 512 }, (_, i) => (i * 7 + 3) & 0xff);
      const empty = new Uint8Array(0);
      const largest = Uint8Array.from({ length: LIMITS.maxMessageBytes }, (_, i) => (i * 131) & 0xff);
      // A view into a larger buffer: only the viewed bytes are stored.
      const view = new Uint8Array(utf8("xxABCxx").buffer, 2, 3);
      const payloads = [every, empty, largest, view];
      for (const [i, payload] of payloads.entries())
        await store.appendMessage(message("g1", alice, `m${i}`, payload));
      const log = await store.readLog("g1", 0, 10);
      expect(log).toHaveLength(payloads.length);
      for (const [i, payload] of payloads.entries()) expectBytes(log[i]?.payload, payload);
    });

    it("[ST22] an append from a device that is not a member, or to an unknown conversation, is not_member and stores nothing; good writes beside it land", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      const [unknown, good, stranger, alsoGood] = await Promise.all([
        store.appendMessage(message("nope", alice, "m0")),
        store.appendMessage(message("g1", alice, "m1")),
        store.appendMessage(message("g1", bob, "m1")),
        store.appendMessage(message("g1", alice, "m2")),
      ]);
      expect(unknown).toEqual({ kind: "not_member" });
      expect(stranger).toEqual({ kind: "not_member" });
      expect([good.kind, alsoGood.kind]).toEqual(["appended", "appended"]);
      expect((await store.readLog("g1", 0, 10)).map((e) => [e.seq, e.clientMessageId])).toEqual([
        [1, "m1"],
        [2, "m2"],
      ]);
      expect(await store.getConversation("g1")).toMatchObject({ lastSeq: 2 });
      expect(await store.getConversation("nope")).toBeUndefined();
    });

    it("[DS3] a retry sent while the first is still being written is stored once; the same client id elsewhere is another message", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      await newGroup(store, "g2", alice);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "add",
          membership: { addedDevices: [bob.deviceId] },
        }),
      );
      const results = await Promise.all([
        store.appendMessage(message("g1", alice, "m1", { epoch: 1 })),
        store.appendMessage(message("g1", bob, "m1", { epoch: 1 })),
        store.appendMessage(message("g2", alice, "m1")),
        store.appendMessage(message("g1", alice, "m1", { epoch: 1 })),
        store.appendMessage(message("g1", alice, "m2", { epoch: 1 })),
      ]);
      expect(results.map((r) => [r.kind, entryOf(r).seq])).toEqual([
        ["appended", 2],
        ["appended", 3],
        ["appended", 1],
        ["duplicate", 2],
        ["appended", 4],
      ]);
      const log = await store.readLog("g1", 1, 10);
      expect(log.map((e) => [e.seq, e.senderDeviceId, e.clientMessageId])).toEqual([
        [2, alice.deviceId, "m1"],
        [3, bob.deviceId, "m1"],
        [4, alice.deviceId, "m2"],
      ]);
    });

    it("[ST22] a device removed by a commit can no longer append, not even a retry of what it sent before", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "add-bob",
          membership: { addedDevices: [bob.deviceId], addedAccounts: [bob.address] },
        }),
      );
      expect(entryOf(await store.appendMessage(message("g1", bob, "b1", { epoch: 1 }))).seq).toBe(2);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 1,
          clientMessageId: "remove-bob",
          membership: { removedDevices: [bob.deviceId], removedAccounts: [bob.address] },
        }),
      );
      expect(await store.appendMessage(message("g1", bob, "b2", { epoch: 2 }))).toEqual({
        kind: "not_member",
      });
      expect(await store.appendMessage(message("g1", bob, "b1", { epoch: 2 }))).toEqual({
        kind: "not_member",
      });
      expect((await store.readLog("g1", 0, 10)).map((e) => e.clientMessageId)).toEqual([
        "add-bob",
        "b1",
        "remove-bob",
      ]);
    });
  });
}
