import { describe, expect, it } from "vitest";
import type { Store } from "../../../src/store/port.js";
import type { StoreHarness, TestAccount } from "./fixtures.js";
import { commitOf, message, newAccount, newGroup, utf8 } from "./fixtures.js";

async function cursorOf(store: Store, deviceId: string, conversationId: string): Promise<number | undefined> {
  return (await store.listConversations(deviceId)).find((v) => v.id === conversationId)?.cursor;
}

/** A group "g1" by alice with `count` messages in it. */
async function groupWithMessages(store: Store, count: number): Promise<TestAccount> {
  const alice = await newAccount(store, "alice");
  await newGroup(store, "g1", alice);
  for (let i = 1; i <= count; i++) await store.appendMessage(message("g1", alice, `m${i}`));
  return alice;
}

/** Welcomes for `deviceId` from `count` one-device groups, so its inbox holds `count` items. */
async function welcomes(
  store: Store,
  creator: TestAccount,
  deviceId: string,
  count: number,
  prefix: string,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `${prefix}${i}`;
    await newGroup(store, id, creator);
    const result = await store.commit(
      commitOf(id, creator, {
        epoch: 0,
        clientMessageId: "add",
        membership: { addedDevices: [deviceId] },
        welcome: utf8(`welcome ${id}`),
      }),
    );
    expect(result.kind).toBe("committed");
  }
}

export function cursorInboxContract(h: () => StoreHarness): void {
  describe("cursors", () => {
    it("[ST7] a cursor moves forward and never back", async () => {
      const { store } = h();
      const alice = await groupWithMessages(store, 5);
      expect(await cursorOf(store, alice.deviceId, "g1")).toBe(0);
      await store.advanceCursors(alice.deviceId, [{ conversationId: "g1", seq: 3 }]);
      expect(await cursorOf(store, alice.deviceId, "g1")).toBe(3);
      await store.advanceCursors(alice.deviceId, [{ conversationId: "g1", seq: 1 }]);
      expect(await cursorOf(store, alice.deviceId, "g1")).toBe(3);
    });

    it("[ST7] a cursor is capped at the log's head", async () => {
      const { store } = h();
      const alice = await groupWithMessages(store, 2);
      await store.advanceCursors(alice.deviceId, [{ conversationId: "g1", seq: 99 }]);
      expect(await cursorOf(store, alice.deviceId, "g1")).toBe(2);
    });

    it("[ST7] updates for unknown conversations or non-members are ignored, the rest applied", async () => {
      const { store } = h();
      const alice = await groupWithMessages(store, 4);
      const bob = await newAccount(store, "bob");
      await store.advanceCursors(bob.deviceId, [{ conversationId: "g1", seq: 2 }]);
      expect(await store.getMembership("g1", bob.deviceId)).toBeUndefined();
      await store.advanceCursors(alice.deviceId, [
        { conversationId: "nope", seq: 1 },
        { conversationId: "g1", seq: 4 },
      ]);
      expect(await cursorOf(store, alice.deviceId, "g1")).toBe(4);
      expect(await store.getConversation("nope")).toBeUndefined();
    });

    it("[ST7] cursors are per device", async () => {
      const { store } = h();
      const alice = await groupWithMessages(store, 3);
      const bob = await newAccount(store, "bob");
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "add",
          membership: { addedDevices: [bob.deviceId] },
        }),
      );
      await store.appendMessage(message("g1", alice, "m5", { epoch: 1 }));
      await store.advanceCursors(bob.deviceId, [{ conversationId: "g1", seq: 5 }]);
      expect(await cursorOf(store, bob.deviceId, "g1")).toBe(5);
      expect(await cursorOf(store, alice.deviceId, "g1")).toBe(0);
    });
  });

  describe("inbox", () => {
    it("[ST8] readInbox returns items after an id, in id order, at most limit", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await welcomes(store, alice, bob.deviceId, 4, "g");
      const all = await store.readInbox(bob.deviceId, 0, 10);
      expect(all.map((i) => i.conversationId)).toEqual(["g0", "g1", "g2", "g3"]);
      const ids = all.map((i) => i.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(4);
      expect((await store.readInbox(bob.deviceId, ids[1]!, 1)).map((i) => i.id)).toEqual([ids[2]]);
      expect(await store.readInbox(bob.deviceId, 0, 0)).toEqual([]);
    });

    it("[ST8] ackInbox deletes the device's items up to an id", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await welcomes(store, alice, bob.deviceId, 3, "g");
      const ids = (await store.readInbox(bob.deviceId, 0, 10)).map((i) => i.id);
      await store.ackInbox(bob.deviceId, ids[1]!);
      expect((await store.readInbox(bob.deviceId, 0, 10)).map((i) => i.id)).toEqual([ids[2]]);
    });

    it("[ST8] inboxes are per device: reading and acking touch only the device's own items", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const carol = await newAccount(store, "carol");
      await welcomes(store, alice, bob.deviceId, 2, "b");
      await welcomes(store, alice, carol.deviceId, 2, "c");
      expect((await store.readInbox(bob.deviceId, 0, 10)).every((i) => i.deviceId === bob.deviceId)).toBe(
        true,
      );
      await store.ackInbox(bob.deviceId, Number.MAX_SAFE_INTEGER);
      expect(await store.readInbox(bob.deviceId, 0, 10)).toEqual([]);
      expect((await store.readInbox(carol.deviceId, 0, 10)).map((i) => i.conversationId)).toEqual([
        "c0",
        "c1",
      ]);
    });

    it("[ST8] ids keep increasing after the newest item is acked", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await welcomes(store, alice, bob.deviceId, 1, "a");
      const [first] = await store.readInbox(bob.deviceId, 0, 10);
      await store.ackInbox(bob.deviceId, first!.id);
      await welcomes(store, alice, bob.deviceId, 1, "b");
      const [second] = await store.readInbox(bob.deviceId, first!.id, 10);
      expect(second?.id).toBeGreaterThan(first!.id);
    });
  });
}
