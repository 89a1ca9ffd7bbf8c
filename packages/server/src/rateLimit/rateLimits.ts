/**
 * The hub's named rate limits (SPEC EG4): a token bucket per (limit, key) in
 * a map that forgets the least recently used bucket past maxBuckets and
 * sweeps full ones, so memory stays bounded whatever the number of keys.
 * Over a limit: RATE_LIMITED with retryAfterMs. Per node (ARCHITECTURE.md).
 */
import { ProtocolError } from "@switchboard/protocol";
import type { Clock } from "../caller.js";
import type { LimitName, RateLimitSettings } from "./rateLimitSettings.js";
import { isFull, take, type BucketState } from "./tokenBucket.js";

/** How many bucket uses between sweeps of full buckets. */
const SWEEP_EVERY = 10_000;

export class RateLimits {
  /** Insertion order is recency order: a use moves its bucket to the end. */
  private readonly buckets = new Map<string, BucketState>();
  private usesSinceSweep = 0;
  /** Told of every refusal (metrics). */
  onLimited: (name: LimitName) => void = () => {};

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly clock: Clock,
  ) {}

  /** Take one token of `name` for `key`, or throw RATE_LIMITED with how long to wait. */
  charge(name: LimitName, key: string): void {
    const retryAfterMs = this.tryCharge(name, key);
    if (retryAfterMs === 0) return;
    this.onLimited(name);
    const finite = Number.isFinite(retryAfterMs);
    const when = finite ? `in ${Math.ceil(retryAfterMs / 1000)} s` : "later";
    throw new ProtocolError("RATE_LIMITED", `too many requests (${name}); retry ${when}`, {
      retryAfterMs: finite ? retryAfterMs : 0,
    });
  }

  /** Take one token, or answer how long until one is there (0 when taken; nothing is taken then). */
  tryCharge(name: LimitName, key: string): number {
    const rate = this.settings.limits[name];
    const id = `${name}\u0000${key}`;
    const now = this.clock();
    const result = take(this.buckets.get(id), rate, now);
    this.buckets.delete(id);
    this.buckets.set(id, result.state);
    this.bound(now);
    return result.ok ? 0 : result.retryAfterMs;
  }

  /** Buckets held now (tests, metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private bound(now: number): void {
    while (this.buckets.size > this.settings.maxBuckets) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
    if (++this.usesSinceSweep < SWEEP_EVERY) return;
    this.usesSinceSweep = 0;
    for (const [id, state] of this.buckets) {
      const name = id.slice(0, id.indexOf("\u0000")) as LimitName;
      if (isFull(state, this.settings.limits[name], now)) this.buckets.delete(id);
    }
  }
}
