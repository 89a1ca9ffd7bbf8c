/** ST40-ST42: a group state is stored as parts; a delta writes only what changed, and only on its base. */
import { describe, expect, it } from "vitest";
import type { StoredGroupState } from "../../../src/store/groupStateParts.js";
import { bytes, conversation, message } from "../fixtures.js";
import type { ContractContext } from "./context.js";

const state = (version: string, parts: [string, Uint8Array][], delta?: StoredGroupState["delta"]) => ({
  version,
  parts: new Map(parts),
  ...(delta === undefined ? {} : { delta }),
});

export function describeGroupState(ctx: ContractContext): void {
  describe("group state parts", () => {
    const v1 = state("v1", [
      ["core", bytes(1, 300)],
      ["tree/1", bytes(2, 200)],
    ]);

    it("[ST40] every part and the version round-trip, in get and list", async () => {
      const store = ctx.store();
      await store.write([{ kind: "putConversation", conversation: conversation("c1", { groupState: v1 }) }]);
      expect((await store.getConversation("c1"))!.groupState).toEqual(v1);
      expect((await store.listConversations())[0]!.groupState).toEqual(v1);
    });

    it("[ST41] a delta on the stored version keeps the parts it does not name", async () => {
      const store = ctx.store();
      await store.write([{ kind: "putConversation", conversation: conversation("c1", { groupState: v1 }) }]);
      // Its `parts` omit the unchanged "core" on purpose: an adapter that honours the delta never reads it.
      const v2 = state("v2", [["node/1/4", bytes(3, 40)]], {
        base: "v1",
        changed: ["node/1/4"],
        removed: [],
      });
      await store.write([
        { kind: "putConversation", conversation: conversation("c1", { groupState: v2, appliedSeq: 8 }) },
        { kind: "putMessage", message: message("c1", "m1", { seq: 8 }) },
      ]);
      const read = (await store.getConversation("c1"))!.groupState;
      expect(read.version).toBe("v2");
      expect(read.parts).toEqual(
        new Map([
          ["core", bytes(1, 300)],
          ["tree/1", bytes(2, 200)],
          ["node/1/4", bytes(3, 40)],
        ]),
      );
      const v3 = state("v3", [["core", bytes(9, 10)]], {
        base: "v2",
        changed: ["core"],
        removed: ["tree/1", "node/1/4"],
      });
      await store.write([{ kind: "putConversation", conversation: conversation("c1", { groupState: v3 }) }]);
      expect((await store.getConversation("c1"))!.groupState).toEqual(state("v3", [["core", bytes(9, 10)]]));
    });

    it("[ST41] a state derived from another version than the stored one replaces every part", async () => {
      const store = ctx.store();
      await store.write([{ kind: "putConversation", conversation: conversation("c1", { groupState: v1 }) }]);
      const stale = state("v9", [["core", bytes(5, 20)]], { base: "v8", changed: [], removed: [] });
      await store.write([
        { kind: "putConversation", conversation: conversation("c1", { groupState: stale }) },
      ]);
      expect((await store.getConversation("c1"))!.groupState).toEqual(state("v9", [["core", bytes(5, 20)]]));
    });

    it("[ST42] a failed batch leaves the parts and version it found", async () => {
      const store = ctx.store();
      await store.write([{ kind: "putConversation", conversation: conversation("c1", { groupState: v1 }) }]);
      const v2 = state("v2", [["node/1/4", bytes(3, 40)]], {
        base: "v1",
        changed: ["node/1/4"],
        removed: [],
      });
      await expect(
        store.write([
          { kind: "putConversation", conversation: conversation("c1", { groupState: v2 }) },
          { kind: "putMessage", message: message("nowhere", "m1") },
        ]),
      ).rejects.toMatchObject({ code: "UNKNOWN_CONVERSATION" });
      expect((await store.getConversation("c1"))!.groupState).toEqual(v1);
    });

    it("[ST42] deltas in one batch apply in order; one conversation's parts are not another's", async () => {
      const store = ctx.store();
      const v2 = state("v2", [["node/1/0", bytes(4, 8)]], { base: "v1", changed: ["node/1/0"], removed: [] });
      const v3 = state("v3", [["node/1/2", bytes(6, 8)]], { base: "v2", changed: ["node/1/2"], removed: [] });
      await store.write([
        { kind: "putConversation", conversation: conversation("c1", { groupState: v1 }) },
        { kind: "putConversation", conversation: conversation("c2", { groupState: v1 }) },
        { kind: "putConversation", conversation: conversation("c1", { groupState: v2 }) },
        { kind: "putConversation", conversation: conversation("c1", { groupState: v3 }) },
      ]);
      expect([...(await store.getConversation("c1"))!.groupState.parts.keys()].sort()).toEqual([
        "core",
        "node/1/0",
        "node/1/2",
        "tree/1",
      ]);
      expect((await store.getConversation("c2"))!.groupState).toEqual(v1);
    });
  });
}
