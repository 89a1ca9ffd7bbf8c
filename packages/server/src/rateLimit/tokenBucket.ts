/**
 * A token bucket, as pure functions over a small state (SPEC EG4): it holds
 * up to `burst` tokens and gains `perMinute` a minute; an action takes one
 * (or `cost`) and is refused when there are not enough, with how long until
 * there will be. Time comes from the caller, so tests move it by hand.
 */
export interface BucketRate {
  /** Most tokens the bucket holds: how many actions may come at once. */
  burst: number;
  /** Tokens gained a minute: the sustained rate. */
  perMinute: number;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

export type TakeResult =
  | { ok: true; state: BucketState }
  | { ok: false; state: BucketState; retryAfterMs: number };

const MINUTE_MS = 60_000;
/**
 * Tokens accrue in fractions, and sums of fractions drift in floating point:
 * at the very millisecond a refusal named, the bucket may hold 0.9999999999998
 * of a token. Within this much, the take succeeds, as the refusal promised.
 */
const EPSILON = 1e-9;

/** The bucket as of `now`: refilled for the time passed (none if the clock went back). */
export function refill(state: BucketState | undefined, rate: BucketRate, now: number): BucketState {
  if (state === undefined) return { tokens: rate.burst, at: now };
  const elapsed = Math.max(0, now - state.at);
  const tokens = Math.min(rate.burst, state.tokens + (elapsed * rate.perMinute) / MINUTE_MS);
  return { tokens, at: Math.max(now, state.at) };
}

/** Take `cost` tokens at `now`, or say how long to wait until they are there. */
export function take(state: BucketState | undefined, rate: BucketRate, now: number, cost = 1): TakeResult {
  const current = refill(state, rate, now);
  if (current.tokens + EPSILON >= cost)
    return { ok: true, state: { tokens: Math.max(0, current.tokens - cost), at: current.at } };
  if (cost > rate.burst || rate.perMinute <= 0) return { ok: false, state: current, retryAfterMs: Infinity };
  const retryAfterMs = Math.ceil(((cost - current.tokens) * MINUTE_MS) / rate.perMinute);
  return { ok: false, state: current, retryAfterMs };
}

/** Whether the bucket is full again by `now`: forgetting it then changes nothing. */
export function isFull(state: BucketState, rate: BucketRate, now: number): boolean {
  return refill(state, rate, now).tokens >= rate.burst;
}
