/** The decoded-state cache returns the state it has for bytes it produced, and decodes anything else. */
import { describe, expect, it } from "vitest";
import type { GroupEngine, GroupState } from "../../src/mls/engine.js";
import { withStateCache } from "../../src/mls/stateCache.js";

function fakeEngine() {
  const calls = { deserialize: 0 };
  const engine = {
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
});
