import { describe, expect, it } from "vitest";
import type { PageRequest, Store } from "../../../src/store/port.js";
import type { StoreHarness } from "./fixtures.js";
import { NO_LIMIT, T0, commitOf, newAccount, signatureKey, utf8 } from "./fixtures.js";

/** Walk every page of a listing, `limit` at a time, and the page sizes seen. */
async function walk<T extends { id: string }>(
  page: (request: PageRequest) => Promise<T[]>,
  limit: number,
): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let afterId = "";
  for (;;) {
    const items = await page({ afterId, limit });
    sizes.push(items.length);
    ids.push(...items.map((i) => i.id));
    if (items.length < limit) return { ids, sizes };
    afterId = items.at(-1)!.id;
  }
}

/** alice in `count` groups created at T0 + (count - i) (so creation order differs from id order). */
async function manyGroups(store: Store, count: number) {
  const alice = await newAccount(store, "alice");
  for (let i = 0; i < count; i++) {
    const result = await store.createConversation({
      id: `g${String(i).padStart(3, "0")}`,
      kind: "group",
      createdAt: T0 + ((i * 7) % count),
      creatorAddress: alice.address,
      creatorDeviceId: alice.deviceId,
      groupInfo: utf8("gi"),
    });
    expect(result.kind).toBe("created");
  }
  return alice;
}

export function pageContract(h: () => StoreHarness): void {
  describe("paged listings and membership counts", () => {
    it("[ST29] listConversations pages walk every conversation once, in the unpaged order", async () => {
      const { store } = h();
      const alice = await manyGroups(store, 23);
      const all = (await store.listConversations(alice.deviceId)).map((c) => c.id);
      expect(all).toHaveLength(23);
      const { ids, sizes } = await walk((page) => store.listConversations(alice.deviceId, page), 5);
      expect(ids).toEqual(all);
      expect(sizes).toEqual([5, 5, 5, 5, 3]);
      // A page carries what the unpaged listing does: participants and the device's cursor.
      const [first] = await store.listConversations(alice.deviceId, { afterId: "", limit: 1 });
      expect(first).toMatchObject({ participants: [alice.address], cursor: 0, epoch: 0 });
    });

    it("[ST29] a page after the last conversation, or of zero items, is empty", async () => {
      const { store } = h();
      const alice = await manyGroups(store, 3);
      const all = await store.listConversations(alice.deviceId);
      expect(await store.listConversations(alice.deviceId, { afterId: all.at(-1)!.id, limit: 10 })).toEqual(
        [],
      );
      expect(await store.listConversations(alice.deviceId, { afterId: "", limit: 0 })).toEqual([]);
      expect(await store.listConversations("nobody-1", { afterId: "", limit: 10 })).toEqual([]);
    });

    it("[ST29] listDevices pages walk every device once, revoked ones only when asked", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      for (let i = 0; i < 6; i++) {
        const added = await store.addDevice(
          alice.address,
          // Ids out of creation order, so the walk must follow creation time, not ids.
          {
            id: `dev-${String(9 - i)}`,
            signatureKey: signatureKey(10 + i),
            createdAt: T0 + 1 + ((i * 5) % 6),
          },
          NO_LIMIT,
        );
        expect(added).toBe("added");
      }
      await store.revokeDevice("dev-9", T0 + 5);
      const all = (await store.listDevices(alice.address, { includeRevoked: true })).map((d) => d.id);
      // i -> createdAt offset: 0->1, 1->6, 2->5, 3->4, 4->3, 5->2.
      expect(all).toEqual([alice.deviceId, "dev-9", "dev-4", "dev-5", "dev-6", "dev-7", "dev-8"]);
      const paged = await walk((page) => store.listDevices(alice.address, { includeRevoked: true, page }), 3);
      expect(paged.ids).toEqual(all);
      const active = await walk((page) => store.listDevices(alice.address, { page }), 2);
      expect(active.ids).toEqual(all.filter((id) => id !== "dev-9"));
    });

    it("[DS16] countConversations counts the conversations an account is a participant of", async () => {
      const { store } = h();
      const alice = await manyGroups(store, 4);
      const bob = await newAccount(store, "bob");
      expect(await store.countConversations(alice.address)).toBe(4);
      expect(await store.countConversations(bob.address)).toBe(0);
      await store.commit(
        commitOf("g000", alice, {
          epoch: 0,
          clientMessageId: "add-bob",
          membership: { addedDevices: [bob.deviceId], addedAccounts: [bob.address] },
          welcome: utf8("w"),
        }),
      );
      expect(await store.countConversations(bob.address)).toBe(1);
    });

    it("[DS16] group adds are counted since a time, and those before `forgetBefore` are forgotten", async () => {
      const { store } = h();
      const add = (address: string, conversationId: string, at: number) => ({
        address,
        conversationId,
        adder: "mallory@test",
        at,
      });
      await store.recordGroupAdds([add("bob@test", "g1", 100), add("carol@test", "g1", 100)], 0);
      await store.recordGroupAdds([add("bob@test", "g2", 200)], 0);
      expect(await store.countGroupAdds("bob@test", 0)).toBe(2);
      expect(await store.countGroupAdds("bob@test", 150)).toBe(1);
      expect(await store.countGroupAdds("carol@test", 0)).toBe(1);
      // Every add before 150 is forgotten with the next record, whoever it was of.
      await store.recordGroupAdds([add("bob@test", "g3", 300)], 150);
      expect(await store.countGroupAdds("bob@test", 0)).toBe(2);
      expect(await store.countGroupAdds("carol@test", 0)).toBe(0);
      await store.recordGroupAdds([], 1_000);
      expect(await store.countGroupAdds("bob@test", 0)).toBe(0);
    });
  });
}
