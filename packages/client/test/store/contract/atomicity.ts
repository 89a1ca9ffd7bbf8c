/** LS1 and LS2: a batch is all or nothing, and messages need their conversation. */
import { beforeEach, describe, expect, it } from "vitest";
import type { LocalWrite } from "../../../src/store/port.js";
import {
  bytes,
  conversation,
  groupState,
  identity,
  keyPackage,
  message,
  outboxItem,
  unsent,
} from "../fixtures.js";
import { expectStoreError, type ContractContext } from "./context.js";
import { seed, snapshot } from "./snapshot.js";

/** A batch that touches every kind of record the seeded store holds, before its bad write. */
function sweepingBatch(): LocalWrite[] {
  return [
    { kind: "identity", identity: identity({ displayName: "changed", signaturePrivateKey: bytes(250) }) },
    {
      kind: "putKeyPackages",
      keyPackages: [keyPackage("kp-new"), keyPackage("kp-one", { privateState: bytes(9, 3) })],
    },
    { kind: "deleteKeyPackage", ref: "kp-two" },
    { kind: "deleteKeyPackage", ref: "kp-last" },
    { kind: "putConversation", conversation: conversation("c-new") },
    {
      kind: "putConversation",
      conversation: conversation("c-group", { epoch: 99, groupState: groupState(3, 3), updatedAt: 1 }),
    },
    { kind: "putMessage", message: message("c-new", "fresh", { seq: 1 }) },
    {
      kind: "putMessage",
      message: { ...unsent("c-group", "m-3", 1_700_000_005_000), seq: 3, serverTime: 1 },
    },
    { kind: "putOutbox", item: outboxItem("fresh-out", "c-group") },
    { kind: "deleteOutbox", clientMessageId: "m-3" },
    { kind: "setMeta", key: "sync.inboxCursor", value: "43" },
    { kind: "setMeta", key: "device.note", value: "changed" },
  ];
}

export function describeAtomicity(ctx: ContractContext): void {
  describe("atomic writes", () => {
    beforeEach(async () => {
      await seed(ctx.store());
    });

    it("[LS2] a message for a conversation that is not stored is refused", async () => {
      await expectStoreError(
        ctx.store().write([{ kind: "putMessage", message: message("c-missing", "m", { seq: 1 }) }]),
        "UNKNOWN_CONVERSATION",
      );
      expect(await ctx.store().listMessages("c-missing")).toEqual([]);
    });

    it("[LS2] an outbox item for a conversation that is not stored is refused", async () => {
      await expectStoreError(
        ctx.store().write([{ kind: "putOutbox", item: outboxItem("o", "c-missing") }]),
        "UNKNOWN_CONVERSATION",
      );
    });

    it("[LS1] a batch that fails on its last putMessage leaves nothing of itself behind", async () => {
      const before = await snapshot(ctx.store());
      const batch = [
        ...sweepingBatch(),
        { kind: "putMessage", message: message("c-missing", "bad", { seq: 1 }) } as const,
      ];
      await expectStoreError(ctx.store().write(batch), "UNKNOWN_CONVERSATION");
      expect(await snapshot(ctx.store())).toEqual(before);
      expect(await ctx.store().getConversation("c-new")).toBeUndefined();
      expect(await ctx.store().getKeyPackage("kp-new")).toBeUndefined();
    });

    it("[LS1] a batch that fails on a putOutbox leaves nothing of itself behind", async () => {
      const before = await snapshot(ctx.store());
      const batch = [
        ...sweepingBatch(),
        { kind: "putOutbox", item: outboxItem("bad", "c-missing") } as const,
      ];
      await expectStoreError(ctx.store().write(batch), "UNKNOWN_CONVERSATION");
      expect(await snapshot(ctx.store())).toEqual(before);
    });

    it("[LS1] the same batch without the bad write applies all of it", async () => {
      const store = ctx.store();
      const before = await snapshot(store);
      await store.write(sweepingBatch());
      expect(await snapshot(store)).not.toEqual(before);
      expect((await store.getIdentity())?.displayName).toBe("changed");
      expect(await store.countKeyPackages()).toEqual({ oneTime: 2, lastResort: 0 });
      expect(await store.listMessages("c-new")).toEqual([message("c-new", "fresh", { seq: 1 })]);
      expect((await store.listOutbox()).map((i) => i.clientMessageId)).toEqual(["fresh-out"]);
      expect(await store.getMeta("device.note")).toBe("changed");
    });

    it("[LS2] a conversation put earlier in the same batch counts; one put later does not", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "putConversation", conversation: conversation("c-early") },
        { kind: "putMessage", message: message("c-early", "m", { seq: 1 }) },
      ]);
      expect(await store.hasMessage("c-early", "m")).toBe(true);

      await expectStoreError(
        store.write([
          { kind: "putMessage", message: message("c-late", "m", { seq: 1 }) },
          { kind: "putConversation", conversation: conversation("c-late") },
        ]),
        "UNKNOWN_CONVERSATION",
      );
      expect(await store.getConversation("c-late")).toBeUndefined();
    });

    it("[LS1] the store takes writes again after a failed batch", async () => {
      const store = ctx.store();
      await expect(
        store.write([{ kind: "putOutbox", item: outboxItem("bad", "c-missing") }]),
      ).rejects.toThrow();
      await store.write([{ kind: "setMeta", key: "after", value: "ok" }]);
      expect(await store.getMeta("after")).toBe("ok");
    });

    it("an empty batch changes nothing", async () => {
      const before = await snapshot(ctx.store());
      await ctx.store().write([]);
      expect(await snapshot(ctx.store())).toEqual(before);
    });
  });
}
