/** LS6 and LS7: what survives close and reopen, and what a closed store does. */
import { describe, expect, it } from "vitest";
import { message, outboxItem } from "../fixtures.js";
import { expectStoreError, type ContractContext } from "./context.js";
import { seed, snapshot } from "./snapshot.js";

export function describeLifecycle(ctx: ContractContext): void {
  describe("close and reopen", () => {
    it("[LS6] everything written is still there after close and reopen", async (test) => {
      const reopen = ctx.reopen();
      if (reopen === undefined) return test.skip("this adapter keeps nothing across close");
      const store = ctx.store();
      await seed(store);
      const before = await snapshot(store);
      await store.close();

      const again = await reopen();
      expect(await snapshot(again)).toEqual(before);
      // And it takes writes like the first one did.
      await again.write([{ kind: "putMessage", message: message("c-group", "after-reopen", { seq: 9 }) }]);
      expect(await again.hasMessage("c-group", "after-reopen")).toBe(true);
      await again.close();
    });

    it("[LS6] a batch that failed is not there after reopen either", async (test) => {
      const reopen = ctx.reopen();
      if (reopen === undefined) return test.skip("this adapter keeps nothing across close");
      const store = ctx.store();
      await seed(store);
      const before = await snapshot(store);
      await expect(
        store.write([
          { kind: "setMeta", key: "sync.inboxCursor", value: "lost" },
          { kind: "putOutbox", item: outboxItem("bad", "c-missing") },
        ]),
      ).rejects.toThrow();
      await store.close();

      const again = await reopen();
      expect(await snapshot(again)).toEqual(before);
      await again.close();
    });

    it("[LS7] after close every call rejects with CLOSED, and close may be called again", async () => {
      const store = ctx.store();
      await seed(store);
      await store.close();
      await expectStoreError(store.getIdentity(), "CLOSED");
      await expectStoreError(store.getKeyPackage("kp-one"), "CLOSED");
      await expectStoreError(store.countKeyPackages(), "CLOSED");
      await expectStoreError(store.getConversation("c-group"), "CLOSED");
      await expectStoreError(store.listConversations(), "CLOSED");
      await expectStoreError(store.hasMessage("c-group", "m-1"), "CLOSED");
      await expectStoreError(store.listMessages("c-group"), "CLOSED");
      await expectStoreError(store.listOutbox(), "CLOSED");
      await expectStoreError(store.getMeta("device.note"), "CLOSED");
      await expectStoreError(store.write([{ kind: "setMeta", key: "k", value: "v" }]), "CLOSED");
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
