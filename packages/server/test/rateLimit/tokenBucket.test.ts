/** [EG4] The token bucket alone: properties over any sequence of takes and clock steps. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isFull, take, type BucketRate, type BucketState } from "../../src/rateLimit/tokenBucket.js";

const rates = fc.record({
  burst: fc.integer({ min: 1, max: 50 }),
  perMinute: fc.integer({ min: 1, max: 600 }),
});
const steps = fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 3 })), {
  maxLength: 200,
});

describe("token bucket", () => {
  it("[EG4] never grants more than burst + rate x elapsed time", () => {
    fc.assert(
      fc.property(rates, steps, (rate: BucketRate, moves) => {
        let state: BucketState | undefined;
        let now = 0;
        let granted = 0;
        for (const [dt, cost] of moves) {
          now += dt;
          const result = take(state, rate, now, cost);
          state = result.state;
          if (result.ok) granted += cost;
        }
        expect(granted).toBeLessThanOrEqual(rate.burst + (now * rate.perMinute) / 60_000 + 1e-9);
      }),
    );
  });

  it("[EG4] a refusal's retry-after is when the same take succeeds, to the millisecond", () => {
    fc.assert(
      fc.property(rates, steps, fc.integer({ min: 1, max: 3 }), (rate, moves, cost) => {
        fc.pre(cost <= rate.burst);
        let state: BucketState | undefined;
        let now = 0;
        for (const [dt, c] of moves) {
          now += dt;
          state = take(state, rate, now, c).state;
        }
        const refused = take(state, rate, now, cost);
        if (refused.ok) return;
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(take(refused.state, rate, now + refused.retryAfterMs, cost).ok).toBe(true);
        // Exact up to the millisecond it is rounded up to (and floating point's last bit).
        if (refused.retryAfterMs > 2)
          expect(take(refused.state, rate, now + refused.retryAfterMs - 2, cost).ok).toBe(false);
      }),
    );
  });

  it("[EG4] a take at the retry-after succeeds even when tokens accrued in fractions (fast-check seed 1042052813)", () => {
    const rate = { burst: 2, perMinute: 3 };
    let state: BucketState | undefined;
    let now = 0;
    for (const dt of [0, 8, 4417, 918, 614, 2375, 9943, 7968, 2780]) {
      now += dt;
      state = take(state, rate, now).state;
    }
    const refused = take(state, rate, now);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(take(refused.state, rate, now + refused.retryAfterMs).ok).toBe(true);
  });

  it("[EG4] a new bucket is full; an idle one fills up to burst and no more; a clock going back adds nothing", () => {
    const rate = { burst: 3, perMinute: 60 };
    let state = take(undefined, rate, 0).state;
    expect(state.tokens).toBe(2);
    state = take(state, rate, 0).state;
    state = take(state, rate, 0).state;
    expect(take(state, rate, 0)).toMatchObject({ ok: false, retryAfterMs: 1000 });
    expect(take(state, rate, -5000).ok).toBe(false);
    expect(isFull(state, rate, 2999)).toBe(false);
    expect(isFull(state, rate, 3000)).toBe(true);
    expect(take(state, rate, 1_000_000).state.tokens).toBe(2);
    expect(take(undefined, rate, 0, 4)).toMatchObject({ ok: false, retryAfterMs: Infinity });
  });
});
