/** Reconnect backoff: exponential ceiling, full jitter, capped. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_BACKOFF } from "../../src/session/backoff.js";

describe("backoff", () => {
  it("stays within [0, min(max, initial * 2^attempt))", () => {
    fc.assert(
      fc.property(
        fc.nat(100),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const delay = backoffDelay(attempt, random);
          const ceiling = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * 2 ** attempt);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.max(ceiling, 1));
        },
      ),
    );
  });

  it("spreads clients out (jitter) and grows with attempts", () => {
    expect(backoffDelay(0, 0.5)).toBe(100);
    expect(backoffDelay(3, 0.5)).toBe(800);
    expect(backoffDelay(20, 0.999)).toBe(Math.floor(0.999 * DEFAULT_BACKOFF.maxMs));
    expect(backoffDelay(5, 0.1)).not.toBe(backoffDelay(5, 0.9));
  });
});
