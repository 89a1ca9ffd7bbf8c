import { describe, expect, it } from "vitest";
import { IdempotencyKeys, keyHash } from "../../src/store/sqlite/idempotencyKeys.js";

describe("the SQLite store's idempotency keys in memory (idempotencyKeys.ts, SPEC ST65)", () => {
  it("hashes the three parts apart: moving a character across a boundary changes the hash", () => {
    expect(keyHash("ab", "c", "d")).not.toBe(keyHash("a", "bc", "d"));
    expect(keyHash("a", "b", "cd")).not.toBe(keyHash("a", "bc", "d"));
    expect(keyHash("g1", "dev", "m1")).toBe(keyHash("g1", "dev", "m1"));
    const hash = keyHash("g1", "dev", "m1");
    expect(Number.isSafeInteger(hash) && hash > 0 && hash < 2 ** 52).toBe(true);
  });

  it("spreads 200,000 random-looking ids without a collision", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++)
      seen.add(keyHash("conversation", "device", `${i.toString(16)}-${i * 7919}`));
    expect(seen.size).toBe(200_000);
  });

  it("finds every seq added, across growth, and forgets exactly the one named", () => {
    const keys = new IdempotencyKeys();
    for (let seq = 1; seq <= 5000; seq++) keys.add(keyHash("g", "d", `m${seq}`), seq);
    expect(keys.size).toBe(5000);
    for (let seq = 1; seq <= 5000; seq++) expect(keys.seqsOf(keyHash("g", "d", `m${seq}`))).toEqual([seq]);
    expect(keys.seqsOf(keyHash("g", "d", "never"))).toEqual([]);
    keys.forget(keyHash("g", "d", "m10"), 10);
    keys.forget(keyHash("g", "d", "m11"), 999); // not its seq: nothing forgotten
    expect(keys.seqsOf(keyHash("g", "d", "m10"))).toEqual([]);
    expect(keys.seqsOf(keyHash("g", "d", "m11"))).toEqual([11]);
    expect(keys.size).toBe(4999);
  });

  it("keeps several seqs under one hash (a key stored again after a rollback, or a collision)", () => {
    const keys = new IdempotencyKeys();
    keys.add(77, 3);
    keys.add(77, 9);
    keys.add(78, 4);
    expect(keys.seqsOf(77)).toEqual([3, 9]);
    keys.forget(77, 3);
    expect(keys.seqsOf(77)).toEqual([9]);
    // A forgotten slot does not end a probe: what lies past it is still found.
    for (let i = 0; i < 3000; i++) keys.add(77 + 1024 * i, i);
    keys.forget(77, 9);
    expect(keys.seqsOf(77 + 1024 * 2999)).toEqual([2999]);
  });

  it("reuses forgotten room instead of growing without end", () => {
    const keys = new IdempotencyKeys();
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 1000; i++) keys.add(keyHash("g", "d", `r${round}-${i}`), round * 1000 + i);
      for (let i = 0; i < 1000; i++) keys.forget(keyHash("g", "d", `r${round}-${i}`), round * 1000 + i);
    }
    expect(keys.size).toBe(0);
    expect((keys as unknown as { hashes: Float64Array }).hashes.length).toBeLessThanOrEqual(8192);
  });

  it("[ST65] grows a little at a time: each add moves at most 16 old slots, and every key stays found meanwhile", () => {
    const keys = new IdempotencyKeys();
    const inside = keys as unknown as { draining?: { next: number; hashes: Float64Array } };
    let seq = 0;
    // Up to the first growth past the starting capacity.
    while (inside.draining === undefined && seq < 100_000) keys.add(keyHash("g", "d", `m${++seq}`), seq);
    const first = inside.draining;
    if (first === undefined) throw new Error("no growth began within 100,000 adds");
    const oldSlots = first.hashes.length;
    expect(first.next).toBeLessThanOrEqual(16);
    // A key still in the old table is found there, and forgotten there.
    expect(keys.seqsOf(keyHash("g", "d", "m1"))).toEqual([1]);
    keys.forget(keyHash("g", "d", "m1"), 1);
    expect(keys.seqsOf(keyHash("g", "d", "m1"))).toEqual([]);
    let adds = 0;
    while (inside.draining !== undefined) {
      const before = inside.draining.next;
      keys.add(keyHash("g", "d", `m${++seq}`), seq);
      adds++;
      if (inside.draining) expect(inside.draining.next - before).toBeLessThanOrEqual(16);
      if (adds % 50 === 0) {
        for (let s = 2; s <= seq; s += 37) expect(keys.seqsOf(keyHash("g", "d", `m${s}`))).toEqual([s]);
      }
    }
    // Done well before the next growth, which comes after as many adds as keys.
    expect(adds).toBeLessThanOrEqual(Math.ceil(oldSlots / 16));
    expect(keys.size).toBe(seq - 1);
    for (let s = 2; s <= seq; s++) expect(keys.seqsOf(keyHash("g", "d", `m${s}`))).toEqual([s]);
  });
});
