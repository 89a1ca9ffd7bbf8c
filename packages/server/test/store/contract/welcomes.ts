import { describe, expect, it } from "vitest";
import type { Store } from "../../../src/store/port.js";
import type { StoreHarness, TestAccount } from "./fixtures.js";
import { T0, commitOf, expectBytes, newAccount, newGroup, signatureKey, utf8 } from "./fixtures.js";

/** alice's group "g1" and `count` other accounts, all added by one commit with one Welcome. */
async function bigAdd(store: Store, count: number, welcome: Uint8Array) {
  const alice = await newAccount(store, "alice");
  await newGroup(store, "g1", alice);
  const others: TestAccount[] = [];
  for (let i = 0; i < count; i++) others.push(await newAccount(store, `user${i}`));
  const result = await store.commit(
    commitOf("g1", alice, {
      epoch: 0,
      clientMessageId: "add-all",
      membership: {
        addedDevices: others.map((o) => o.deviceId),
        addedAccounts: others.map((o) => o.address),
      },
      welcome,
    }),
  );
  if (result.kind !== "committed") throw new Error(result.kind);
  return { alice, others, result };
}

const inboxOf = (store: Store, deviceId: string) => store.readInbox(deviceId, 0, 100);

export function welcomeContract(h: () => StoreHarness): void {
  describe("one Welcome per commit", () => {
    it("[ST28] a commit's Welcome is stored once and every added device reads it whole", async () => {
      const { store } = h();
      const welcome = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
      const { others, result } = await bigAdd(store, 5, welcome);
      expect(await store.countStoredWelcomes()).toBe(1);
      expect(result.inbox).toHaveLength(5);
      for (const item of result.inbox) expectBytes(item.payload, welcome);
      for (const o of others) {
        const [item, ...rest] = await inboxOf(store, o.deviceId);
        expect(rest).toEqual([]);
        expect(item).toMatchObject({ kind: "welcome", conversationId: "g1", deviceId: o.deviceId, seq: 1 });
        expectBytes(item!.payload, welcome);
      }
    });

    it("[ST28] the Welcome is deleted when the last item referring to it is acked, not before", async () => {
      const { store } = h();
      const welcome = utf8("the one welcome");
      const { others } = await bigAdd(store, 3, welcome);
      const [first, second, third] = others;
      for (const o of [first!, second!]) {
        const [item] = await inboxOf(store, o.deviceId);
        await store.ackInbox(o.deviceId, item!.id);
        expect(await inboxOf(store, o.deviceId)).toEqual([]);
      }
      // One device still holds a reference: it still reads the Welcome.
      expect(await store.countStoredWelcomes()).toBe(1);
      const [last] = await inboxOf(store, third!.deviceId);
      expectBytes(last!.payload, welcome);
      await store.ackInbox(third!.deviceId, last!.id);
      expect(await store.countStoredWelcomes()).toBe(0);
    });

    it("[ST28] acking twice, or acking other items, does not drop a Welcome others still need", async () => {
      const { store } = h();
      const welcome = utf8("shared");
      const { alice, others } = await bigAdd(store, 2, welcome);
      const [a, b] = others;
      const [item] = await inboxOf(store, a!.deviceId);
      await store.ackInbox(a!.deviceId, item!.id);
      await store.ackInbox(a!.deviceId, item!.id);
      // alice's own (empty) inbox, acked far ahead.
      await store.ackInbox(alice.deviceId, 1_000_000);
      expect(await store.countStoredWelcomes()).toBe(1);
      expectBytes((await inboxOf(store, b!.deviceId))[0]!.payload, welcome);
    });

    it("[ST28] concurrent acks of one Welcome by every device leave nothing behind", async () => {
      const { store } = h();
      const { others } = await bigAdd(store, 8, utf8("raced"));
      const items = await Promise.all(others.map(async (o) => (await inboxOf(store, o.deviceId))[0]!));
      await Promise.all(items.map((item) => store.ackInbox(item.deviceId, item.id)));
      expect(await store.countStoredWelcomes()).toBe(0);
    });

    it("[ST28] revoking a device drops its reference; the others still read the Welcome", async () => {
      const { store } = h();
      const welcome = utf8("before revocation");
      const { others } = await bigAdd(store, 2, welcome);
      const [revoked, kept] = others;
      expect(await store.revokeDevice(revoked!.deviceId, 5)).toBe(true);
      expect(await inboxOf(store, revoked!.deviceId)).toEqual([]);
      expect(await store.countStoredWelcomes()).toBe(1);
      const [item] = await inboxOf(store, kept!.deviceId);
      expectBytes(item!.payload, welcome);
      await store.ackInbox(kept!.deviceId, item!.id);
      expect(await store.countStoredWelcomes()).toBe(0);
    });

    it("[ST28] each commit stores its own Welcome; a commit without one stores none", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const carol = await newAccount(store, "carol");
      await newGroup(store, "g1", alice);
      await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c0" }));
      expect(await store.countStoredWelcomes()).toBe(0);
      for (const [epoch, who] of [
        [1, bob],
        [2, carol],
      ] as const) {
        await store.commit(
          commitOf("g1", alice, {
            epoch,
            clientMessageId: `add-${who.deviceId}`,
            membership: { addedDevices: [who.deviceId], addedAccounts: [who.address] },
            welcome: utf8(`welcome for ${who.deviceId}`),
          }),
        );
      }
      expect(await store.countStoredWelcomes()).toBe(2);
      expectBytes((await inboxOf(store, bob.deviceId))[0]!.payload, utf8("welcome for bob-1"));
      expectBytes((await inboxOf(store, carol.deviceId))[0]!.payload, utf8("welcome for carol-1"));
    });
    it("[ST28] [ST26] the Welcome goes when its items are pruned past the retention limit", async () => {
      const { store } = h();
      const { others } = await bigAdd(store, 3, utf8("an old welcome"));
      expect(await store.countStoredWelcomes()).toBe(1);
      // Every item was stored at T0 + 1 or so: a cut after that takes them all.
      let pruned = 0;
      for (let step = 0; step < 10 && pruned < 3; step++) pruned += await store.pruneInbox(T0 + 1_000_000, 2);
      expect(pruned).toBe(3);
      for (const o of others) expect(await inboxOf(store, o.deviceId)).toEqual([]);
      expect(await store.countStoredWelcomes()).toBe(0);
    });

    it("[ST28] the Welcome goes when the last device naming it moves away (moveAccount)", async () => {
      const { store } = h();
      const { others } = await bigAdd(store, 2, utf8("welcome for movers"));
      for (const [i, o] of others.entries()) {
        const moved = await store.moveAccount(
          o.address,
          { id: `${o.deviceId}-new`, signatureKey: signatureKey(200 + i), createdAt: T0 + 5 },
          T0 + 5,
        );
        expect(moved.kind).toBe("moved");
        expect(await inboxOf(store, o.deviceId)).toEqual([]);
      }
      expect(await store.countStoredWelcomes()).toBe(0);
    });
  });
}
