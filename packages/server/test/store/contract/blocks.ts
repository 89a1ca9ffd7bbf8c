import { describe, expect, it } from "vitest";
import type { StoreHarness } from "./fixtures.js";
import { T0, commitOf, entryOf, message, newAccount, newGroup, utf8 } from "./fixtures.js";

export function blockContract(h: () => StoreHarness): void {
  describe("blocklists", () => {
    it("[PP5] a block is one row per (blocker, blocked); again keeps the first time; unblock lifts it", async () => {
      const { store } = h();
      expect(await store.hasBlocked("bob@instagram", "eve@whatsapp")).toBe(false);
      expect(await store.block("bob@instagram", "eve@whatsapp", 10)).toBe(true);
      expect(await store.block("bob@instagram", "eve@whatsapp", 20)).toBe(false);
      expect(await store.hasBlocked("bob@instagram", "eve@whatsapp")).toBe(true);
      // One way only: eve has not blocked bob.
      expect(await store.hasBlocked("eve@whatsapp", "bob@instagram")).toBe(false);
      expect(await store.listBlocked("bob@instagram", "", 10)).toEqual([
        { address: "eve@whatsapp", blockedAt: 10 },
      ]);
      expect(await store.unblock("bob@instagram", "eve@whatsapp")).toBe(true);
      expect(await store.unblock("bob@instagram", "eve@whatsapp")).toBe(false);
      expect(await store.hasBlocked("bob@instagram", "eve@whatsapp")).toBe(false);
      expect(await store.listBlocked("bob@instagram", "", 10)).toEqual([]);
    });

    it("[PP5] listBlocked is the blocker's own, by address, in pages", async () => {
      const { store } = h();
      for (const [i, who] of ["c@instagram", "a@instagram", "b@instagram"].entries())
        await store.block("bob@instagram", who, i);
      await store.block("alice@instagram", "z@instagram", 5);
      const first = await store.listBlocked("bob@instagram", "", 2);
      expect(first.map((b) => b.address)).toEqual(["a@instagram", "b@instagram"]);
      const rest = await store.listBlocked("bob@instagram", "b@instagram", 2);
      expect(rest).toEqual([{ address: "c@instagram", blockedAt: 0 }]);
    });

    it("[PP6] blockedInDirect: only a direct conversation whose other participant blocked the sender", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const created = await store.createConversation({
        id: "d1",
        kind: "direct",
        createdAt: T0,
        creatorAddress: alice.address,
        creatorDeviceId: alice.deviceId,
        peerAddress: bob.address,
        groupInfo: utf8("gi"),
      });
      expect(created.kind).toBe("created");
      const added = { addedDevices: [bob.deviceId], addedAccounts: [bob.address] };
      expect(
        (await store.commit(commitOf("d1", alice, { epoch: 0, clientMessageId: "c1", membership: added })))
          .kind,
      ).toBe("committed");
      await newGroup(store, "g1", alice);
      expect(
        (await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c2", membership: added })))
          .kind,
      ).toBe("committed");
      expect(await store.blockedInDirect("d1", alice.address)).toBe(false);
      // [PP1] sharing a conversation, either way round; not with a stranger.
      expect(await store.sharesConversation(bob.address, alice.address)).toBe(true);
      expect(await store.sharesConversation(alice.address, bob.address)).toBe(true);
      expect(await store.sharesConversation(alice.address, "nobody@test")).toBe(false);
      await store.block(bob.address, alice.address, T0);
      expect(await store.blockedInDirect("d1", alice.address)).toBe(true);
      // Not the other way round, not in a group, not for an unknown conversation.
      expect(await store.blockedInDirect("d1", bob.address)).toBe(false);
      expect(await store.blockedInDirect("g1", alice.address)).toBe(false);
      expect(await store.blockedInDirect("nope", alice.address)).toBe(false);
      await store.unblock(bob.address, alice.address);
      expect(await store.blockedInDirect("d1", alice.address)).toBe(false);
    });

    it("[ST50] appendMessage answers blocked, storing nothing, after membership and before the rest", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const carol = await newAccount(store, "carol");
      await store.createConversation({
        id: "d1",
        kind: "direct",
        createdAt: T0,
        creatorAddress: alice.address,
        creatorDeviceId: alice.deviceId,
        peerAddress: bob.address,
        groupInfo: utf8("gi"),
      });
      const added = { addedDevices: [bob.deviceId], addedAccounts: [bob.address] };
      await store.commit(commitOf("d1", alice, { epoch: 0, clientMessageId: "c1", membership: added }));
      await newGroup(store, "g1", alice);
      await store.commit(commitOf("g1", alice, { epoch: 0, clientMessageId: "c2", membership: added }));
      expect(entryOf(await store.appendMessage(message("d1", alice, "before", { epoch: 1 }))).seq).toBe(2);
      await store.block(bob.address, alice.address, T0);
      // Issued together, so they share a batch: each is decided on its own.
      const [blocked, retry, stale, fromBob, inGroup, stranger] = await Promise.all([
        store.appendMessage(message("d1", alice, "after", { epoch: 1 })),
        store.appendMessage(message("d1", alice, "before", { epoch: 1 })),
        store.appendMessage(message("d1", alice, "stale", { epoch: 0 })),
        store.appendMessage(message("d1", bob, "reply", { epoch: 1 })),
        store.appendMessage(message("g1", alice, "group", { epoch: 1 })),
        store.appendMessage(message("d1", carol, "hello", { epoch: 1 })),
      ]);
      expect(blocked?.kind).toBe("blocked");
      // A block comes before the retry and the epoch checks, as the check before the append did.
      expect(retry?.kind).toBe("blocked");
      expect(stale?.kind).toBe("blocked");
      expect(stranger?.kind).toBe("not_member");
      expect(entryOf(fromBob).seq).toBe(3);
      expect(inGroup?.kind).toBe("appended");
      expect((await store.readLog("d1", 0, 10)).map((e) => e.clientMessageId)).toEqual([
        "c1",
        "before",
        "reply",
      ]);
      await store.unblock(bob.address, alice.address);
      expect(entryOf(await store.appendMessage(message("d1", alice, "after", { epoch: 1 }))).seq).toBe(4);
    });

    it("[DS2] a block survives close and reopen", async () => {
      const harness = h();
      await harness.store.block("bob@instagram", "eve@whatsapp", 1);
      await harness.store.close();
      const reopened = await harness.reopen();
      expect(await reopened.hasBlocked("bob@instagram", "eve@whatsapp")).toBe(true);
    });
  });
}
