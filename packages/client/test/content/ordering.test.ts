import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { OwnSeqs, placeEntry } from "../../src/conversations/ordering.js";

describe("[CT14] the order a conversation's log is applied in", () => {
  it("places an entry as applied, next or after a gap", () => {
    expect(placeEntry(4, 3)).toBe("applied");
    expect(placeEntry(4, 4)).toBe("applied");
    expect(placeEntry(4, 5)).toBe("next");
    expect(placeEntry(4, 7)).toBe("gap");
  });

  it("passes own acknowledged seqs only once everything before them is applied", () => {
    const own = new OwnSeqs();
    own.add("c", 6);
    own.add("c", 7);
    // 5 is someone else's entry still to come: nothing moves.
    expect(own.pass("c", 4)).toBe(4);
    expect(own.pass("c", 5)).toBe(7);
    // Passed seqs are forgotten; another conversation is untouched.
    expect(own.pass("c", 5)).toBe(5);
    own.add("d", 2);
    expect(own.pass("c", 1)).toBe(1);
    expect(own.pass("d", 1)).toBe(2);
  });

  it("never passes a seq that is not own and contiguous (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 80 })),
        (applied, seqs) => {
          const own = new OwnSeqs();
          for (const s of seqs) own.add("c", s);
          const passed = own.pass("c", applied);
          const mine = new Set(seqs);
          expect(passed).toBeGreaterThanOrEqual(applied);
          for (let s = applied + 1; s <= passed; s++) expect(mine.has(s)).toBe(true);
          expect(mine.has(passed + 1) && passed + 1 > applied).toBe(false);
        },
      ),
    );
  });
});
