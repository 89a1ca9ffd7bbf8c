/**
 * [ST45] The SQLite adapter reads a group state's parts only when asked for
 * them: listing conversations reads none, and a state the SDK's cache knows
 * by its version is never read at all.
 */
import { describe, expect, it } from "vitest";
import { openSqliteLocalStore } from "../../src/store/sqlite/open.js";
import { thrownCode } from "../mls/fixtures.js";
import { conversation, groupState } from "./fixtures.js";

describe("sqlite group states on demand", () => {
  it("[ST45] parts are read when first asked for, from the state that was read", async () => {
    const store = openSqliteLocalStore(":memory:");
    await store.write([
      { kind: "putConversation", conversation: conversation("c1", { groupState: groupState(1, 64) }) },
    ]);
    const [listed] = await store.listConversations();
    const got = (await store.getConversation("c1"))!;
    expect(got.groupState.version).toBe("v-1-64");
    await store.write([
      { kind: "putConversation", conversation: conversation("c1", { groupState: groupState(2, 64) }) },
    ]);
    // Read before the newer state was stored: its parts are gone, and it says so rather than mixing them.
    expect(thrownCode(() => listed!.groupState.parts)).toBe("STALE_STATE");
    expect(thrownCode(() => got.groupState.parts)).toBe("STALE_STATE");
    expect((await store.getConversation("c1"))!.groupState).toEqual(groupState(2, 64));
    await store.close();
  });

  it("[ST45] a state read before close keeps its parts after close", async () => {
    const store = openSqliteLocalStore(":memory:");
    await store.write([
      { kind: "putConversation", conversation: conversation("c1", { groupState: groupState(3, 64) }) },
    ]);
    const got = (await store.getConversation("c1"))!;
    await store.close();
    expect(got.groupState).toEqual(groupState(3, 64));
  });
});
