/**
 * What receiving keeps in memory so a message costs fewer reads: the
 * IndexedDB store's meta cache (WB21) and unsealed group states (WB25), and
 * the one delta a batch of successive states is stored with (WB24).
 */
import { describe, expect, it } from "vitest";
import { chainStates } from "../../src/store/chainStates.js";
import type { StoredGroupState } from "../../src/store/groupStateParts.js";
import { MetaCache, MISS } from "../../src/store/indexeddb/metaCache.js";
import { copyForCache, UnsealedStates } from "../../src/store/indexeddb/unsealedStates.js";

const bytes = (...values: number[]) => new Uint8Array(values);
const state = (
  version: string,
  parts: [string, Uint8Array][],
  delta?: StoredGroupState["delta"],
): StoredGroupState => ({ version, parts: new Map(parts), ...(delta ? { delta } : {}) });

describe("[WB21] the IndexedDB store's meta cache", () => {
  it("[WB21] answers a key nobody stored without a read, and a read value until a write replaces it", () => {
    const cache = new MetaCache(new Set(["a"]));
    expect(cache.get("never")).toBeUndefined();
    expect(cache.get("a")).toBe(MISS);
    cache.read("a", "one", cache.mark());
    expect(cache.get("a")).toBe("one");
    cache.written([
      ["a", "two"],
      ["b", "new"],
    ]);
    expect(cache.get("a")).toBe("two");
    expect(cache.get("b")).toBe("new");
  });

  it("[WB21] a read that began before a write committed is answered but not kept", () => {
    const cache = new MetaCache(new Set(["a"]));
    const mark = cache.mark();
    cache.written([["b", "x"]]);
    cache.read("a", "stale", mark);
    expect(cache.get("a")).toBe(MISS);
  });

  it("[WB21] holds at most its limit of values, dropping the oldest", () => {
    const cache = new MetaCache(new Set(["a", "b", "c"]), 2);
    for (const key of ["a", "b", "c"]) cache.read(key, key, cache.mark());
    expect(cache.get("a")).toBe(MISS);
    expect([cache.get("b"), cache.get("c")]).toEqual(["b", "c"]);
  });
});

describe("[WB24] successive states as one", () => {
  const v2 = state(
    "v2",
    [
      ["core", bytes(1)],
      ["node/1/0", bytes(3)],
    ],
    { base: "v1", changed: ["node/1/0"], removed: [] },
  );
  const v3 = state(
    "v3",
    [
      ["core", bytes(1)],
      ["node/1/2", bytes(4)],
    ],
    { base: "v2", changed: ["node/1/2"], removed: ["node/1/0"] },
  );

  it("[WB24] the last state with one delta against the stored one: every part changed and still there, every part gone", () => {
    const chained = chainStates("v1", [v2, v3]);
    expect(chained.version).toBe("v3");
    expect(chained.delta).toEqual({ base: "v1", changed: ["node/1/2"], removed: ["node/1/0"] });
  });

  it("[WB24] a state not derived from the one before it breaks the chain: no delta, so every part is written", () => {
    expect(chainStates("v0", [v2, v3]).delta).toBeUndefined();
    expect(chainStates(undefined, [v2]).delta).toBeUndefined();
  });

  it("[WB24] the same state again adds nothing", () => {
    expect(chainStates("v1", [v2, v2, v3]).delta).toEqual({
      base: "v1",
      changed: ["node/1/2"],
      removed: ["node/1/0"],
    });
  });
});

describe("[WB25] unsealed group states by version", () => {
  const v1 = state("v1", [
    ["core", bytes(1)],
    ["tree/1", bytes(2)],
  ]);
  const v2 = state("v2", [["node/1/0", bytes(3)]], { base: "v1", changed: ["node/1/0"], removed: [] });

  it("[WB25] a replaced state, then a delta on it, as the store holds them; nothing for another version", () => {
    const states = new UnsealedStates();
    states.written([
      {
        conversationId: "c",
        state: copyForCache(v1),
        plan: { expected: undefined, replace: true, remove: [] },
      },
    ]);
    states.written([
      { conversationId: "c", state: copyForCache(v2), plan: { expected: "v1", replace: false, remove: [] } },
    ]);
    expect(states.get("c", "v1")).toBeUndefined();
    expect([...states.get("c", "v2")!.parts.keys()].sort()).toEqual(["core", "node/1/0", "tree/1"]);
  });

  it("[WB25] a delta on a state it does not hold leaves the conversation uncached", () => {
    const states = new UnsealedStates();
    states.written([
      { conversationId: "c", state: copyForCache(v2), plan: { expected: "v1", replace: false, remove: [] } },
    ]);
    expect(states.has("c", "v2")).toBe(false);
  });

  it("[WB25] values are copies in and out (LS5)", () => {
    const states = new UnsealedStates();
    const mine = copyForCache(v1);
    states.written([
      { conversationId: "c", state: mine, plan: { expected: undefined, replace: true, remove: [] } },
    ]);
    states.get("c", "v1")!.parts.get("core")![0] = 99;
    expect(states.get("c", "v1")!.parts.get("core")).toEqual(bytes(1));
  });
});
