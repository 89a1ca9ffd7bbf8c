import { describe, expect, it } from "vitest";
import type { NewConversation } from "../../../src/store/port.js";
import type { StoreHarness, TestAccount } from "./fixtures.js";
import { T0, commitOf, expectBytes, newAccount, newGroup, utf8 } from "./fixtures.js";

function direct(id: string, creator: TestAccount, peer: TestAccount): NewConversation {
  return {
    id,
    kind: "direct",
    createdAt: T0,
    creatorAddress: creator.address,
    creatorDeviceId: creator.deviceId,
    peerAddress: peer.address,
    groupInfo: utf8(`gi ${id}`),
  };
}

export function conversationContract(h: () => StoreHarness): void {
  describe("conversations", () => {
    it("[ST5] createConversation starts at epoch 0 with the creator's device as its only member", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const created = await newGroup(store, "g1", alice, utf8("group info"));
      expect(created).toMatchObject({
        id: "g1",
        kind: "group",
        epoch: 0,
        lastSeq: 0,
        createdAt: T0,
        participants: [alice.address],
      });
      expectBytes(created.groupInfo, utf8("group info"));
      expect(await store.getConversation("g1")).toEqual(created);
      expect(await store.listMembers("g1")).toEqual([alice.deviceId]);
      expect(await store.getMembership("g1", alice.deviceId)).toEqual({ joinedSeq: 0 });
    });

    it("[ST5] createConversation refuses a taken id", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      const again = await store.createConversation({
        id: "g1",
        kind: "group",
        createdAt: T0,
        creatorAddress: bob.address,
        creatorDeviceId: bob.deviceId,
        groupInfo: utf8("x"),
      });
      expect(again).toEqual({ kind: "id_taken" });
      expect(await store.listMembers("g1")).toEqual([alice.deviceId]);
    });

    it("[ST5] at most one direct conversation per pair of accounts, in either order", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const carol = await newAccount(store, "carol");
      expect((await store.createConversation(direct("d1", alice, bob))).kind).toBe("created");
      expect(await store.createConversation(direct("d2", alice, bob))).toEqual({
        kind: "direct_exists",
        id: "d1",
      });
      expect(await store.createConversation(direct("d3", bob, alice))).toEqual({
        kind: "direct_exists",
        id: "d1",
      });
      expect(await store.getConversation("d3")).toBeUndefined();
      expect((await store.createConversation(direct("d4", alice, carol))).kind).toBe("created");
      expect(await store.findDirectConversation(alice.address, bob.address)).toBe("d1");
      expect(await store.findDirectConversation(bob.address, alice.address)).toBe("d1");
      expect(await store.findDirectConversation(bob.address, carol.address)).toBeUndefined();
    });

    it("[ST5] concurrent direct creations for one pair create exactly one", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const results = await Promise.all([
        store.createConversation(direct("d1", alice, bob)),
        store.createConversation(direct("d2", bob, alice)),
        store.createConversation(direct("d3", alice, bob)),
      ]);
      const created = results.filter((r) => r.kind === "created");
      expect(created).toHaveLength(1);
      const winner = created[0]!.kind === "created" ? created[0]!.conversation.id : "";
      expect(results.filter((r) => r.kind === "direct_exists" && r.id === winner)).toHaveLength(2);
    });

    it("[ST5] a group conversation is not found as a direct one", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "c1",
          membership: { addedDevices: [bob.deviceId], addedAccounts: [bob.address] },
        }),
      );
      expect(await store.findDirectConversation(alice.address, bob.address)).toBeUndefined();
    });

    it("[ST5] a direct conversation starts with the creator as its only participant; the peer joins by commit", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const created = await store.createConversation(direct("d1", alice, bob));
      expect(created.kind === "created" && created.conversation.participants).toEqual([alice.address]);
      await store.commit(
        commitOf("d1", alice, {
          epoch: 0,
          clientMessageId: "c1",
          membership: { addedDevices: [bob.deviceId], addedAccounts: [bob.address] },
        }),
      );
      expect((await store.getConversation("d1"))?.participants).toEqual([alice.address, bob.address]);
    });

    it("[ST5] unknown conversations and non-members answer undefined or empty", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", alice);
      expect(await store.getConversation("nope")).toBeUndefined();
      expect(await store.getMembership("g1", bob.deviceId)).toBeUndefined();
      expect(await store.getMembership("nope", alice.deviceId)).toBeUndefined();
      expect(await store.listMembers("nope")).toEqual([]);
      expect(await store.listConversations(bob.deviceId)).toEqual([]);
    });

    it("[ST5] listConversations lists the device's conversations with its cursor and sorted participants", async () => {
      const { store } = h();
      const zed = await newAccount(store, "zed");
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newGroup(store, "g1", zed);
      await newGroup(store, "g2", bob);
      await newGroup(store, "g3", zed);
      await store.appendMessage({
        conversationId: "g1",
        senderDeviceId: zed.deviceId,
        senderAddress: zed.address,
        clientMessageId: "m1",
        payload: utf8("x"),
        epoch: 0,
        serverTime: T0,
      });
      const added = await store.commit(
        commitOf("g1", zed, {
          epoch: 0,
          clientMessageId: "c1",
          membership: { addedDevices: [alice.deviceId], addedAccounts: [alice.address] },
        }),
      );
      expect(added.kind).toBe("committed");
      await store.advanceCursors(zed.deviceId, [{ conversationId: "g1", seq: 1 }]);

      const views = await store.listConversations(zed.deviceId);
      expect(views.map((v) => v.id).sort()).toEqual(["g1", "g3"]);
      const g1 = views.find((v) => v.id === "g1");
      expect(g1).toMatchObject({
        epoch: 1,
        lastSeq: 2,
        cursor: 1,
        participants: [alice.address, zed.address],
      });
      expect((await store.listConversations(alice.deviceId)).map((v) => [v.id, v.cursor])).toEqual([
        ["g1", 2],
      ]);
    });

    it("[ST5] a direct conversation needs a peer", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await expect(
        store.createConversation({
          id: "d1",
          kind: "direct",
          createdAt: T0,
          creatorAddress: alice.address,
          creatorDeviceId: alice.deviceId,
          groupInfo: utf8("x"),
        }),
      ).rejects.toThrow();
      expect(await store.getConversation("d1")).toBeUndefined();
    });
  });
}
