/** The decoded-state cache returns the state it has for bytes it produced, and decodes anything else. */
import { describe, expect, it } from "vitest";
import type { GroupEngine, GroupState } from "../../src/mls/engine.js";
import { withStateCache } from "../../src/mls/stateCache.js";

function fakeEngine() {
  const calls = { deserialize: 0, loadState: 0 };
  let saved = 0;
  const engine = {
    saveState: (s: GroupState) => ({
      version: `s${saved++}`,
      parts: new Map([["core", new Uint8Array([s.epoch])]]),
    }),
    loadState: (stored: { parts: ReadonlyMap<string, Uint8Array> }): GroupState => {
      calls.loadState++;
      return { epoch: stored.parts.get("core")![0]!, groupId: new Uint8Array(0) };
    },
    serialize: (s: GroupState) => new Uint8Array([s.epoch, ...s.groupId]),
    deserialize: (b: Uint8Array): GroupState => {
      calls.deserialize++;
      return { epoch: b[0]!, groupId: b.slice(1) };
    },
  } as unknown as GroupEngine;
  return { engine, calls };
}

describe("group state cache", () => {
  it("hands back the same state for the bytes it serialised, without decoding", () => {
    const { engine, calls } = fakeEngine();
    const cached = withStateCache(engine);
    const state: GroupState = { epoch: 3, groupId: new Uint8Array([1, 2]) };
    const bytes = cached.serialize(state);
    expect(cached.deserialize(bytes.slice())).toBe(state);
    expect(calls.deserialize).toBe(0);
  });

  it("decodes bytes it has not seen, then remembers them; evicts the least recently used", () => {
    const { engine, calls } = fakeEngine();
    const cached = withStateCache(engine, 2);
    const a = cached.deserialize(new Uint8Array([1, 9]));
    expect(cached.deserialize(new Uint8Array([1, 9]))).toBe(a);
    expect(calls.deserialize).toBe(1);
    cached.deserialize(new Uint8Array([2, 9]));
    cached.deserialize(new Uint8Array([3, 9]));
    expect(calls.deserialize).toBe(3);
    expect(cached.deserialize(new Uint8Array([1, 9]))).not.toBe(a); // evicted: decoded afresh
    expect(calls.deserialize).toBe(4);
  });

  it("[ST45] knows saved and loaded states by version, without reading their parts; evicts past capacity", () => {
    const { engine, calls } = fakeEngine();
    const cached = withStateCache(engine, 2);
    const state: GroupState = { epoch: 4, groupId: new Uint8Array([1]) };
    const saved = cached.saveState(state);
    const noParts = {
      version: saved.version,
      get parts(): ReadonlyMap<string, Uint8Array> {
        throw new Error("parts read");
      },
    };
    expect(cached.loadState(noParts)).toBe(state);
    const other = cached.loadState({ version: "x", parts: new Map([["core", new Uint8Array([9])]]) });
    expect(other.epoch).toBe(9);
    cached.loadState({ version: "y", parts: new Map([["core", new Uint8Array([8])]]) });
    expect(calls.loadState).toBe(2);
    expect(() => cached.loadState(noParts)).toThrow("parts read"); // evicted: decoded afresh
  });
});
