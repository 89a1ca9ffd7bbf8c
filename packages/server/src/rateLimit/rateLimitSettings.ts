/**
 * The hub's rate limits (SPEC EG4), each a token bucket per key: an account,
 * an IP address, a target address or a handle. Defaults hold back a script
 * (the issue measured 275 registrations/s, 10,050 lookups/s, 5,298 claims/s)
 * while leaving room for people, tests and apps behind one NAT. In a cluster
 * each node keeps its own buckets (ARCHITECTURE.md).
 */
import type { BucketRate } from "./tokenBucket.js";

export const LIMIT_NAMES = [
  "registerPerIp",
  "lookupPerAccount",
  "lookupPerIp",
  "claimPerClaimer",
  "claimPerTarget",
  "createConversationPerAccount",
  "addMembersPerAccount",
  "sendPerAccount",
  "verificationRequestPerHandle",
  "verificationRequestPerIp",
  "verificationAttemptPerAddress",
  "verificationAttemptPerIp",
] as const;

export type LimitName = (typeof LIMIT_NAMES)[number];

export interface RateLimitSettings {
  /** One bucket rate per limit. */
  limits: Record<LimitName, BucketRate>;
  /**
   * Most buckets kept in memory; past it the least recently used is dropped
   * (its key starts again with a full bucket). Full buckets are swept too.
   */
  maxBuckets: number;
}

const perHour = (n: number): number => n / 60;

export const DEFAULT_RATE_LIMIT_SETTINGS: RateLimitSettings = {
  limits: {
    registerPerIp: { burst: 200, perMinute: 60 },
    lookupPerAccount: { burst: 100, perMinute: 100 },
    lookupPerIp: { burst: 1000, perMinute: 1000 },
    claimPerClaimer: { burst: 100, perMinute: 100 },
    claimPerTarget: { burst: 30, perMinute: 30 },
    createConversationPerAccount: { burst: 100, perMinute: 60 },
    addMembersPerAccount: { burst: 100, perMinute: 60 },
    sendPerAccount: { burst: 1000, perMinute: 6000 },
    verificationRequestPerHandle: { burst: 3, perMinute: perHour(5) },
    verificationRequestPerIp: { burst: 20, perMinute: perHour(60) },
    verificationAttemptPerAddress: { burst: 10, perMinute: perHour(10) },
    verificationAttemptPerIp: { burst: 50, perMinute: perHour(100) },
  },
  maxBuckets: 100_000,
};

/** Settings with the defaults filled in for whatever `partial` leaves out. */
export function rateLimitSettings(
  partial: {
    limits?: Partial<Record<LimitName, BucketRate>>;
    maxBuckets?: number;
  } = {},
): RateLimitSettings {
  return {
    limits: { ...DEFAULT_RATE_LIMIT_SETTINGS.limits, ...partial.limits },
    maxBuckets: partial.maxBuckets ?? DEFAULT_RATE_LIMIT_SETTINGS.maxBuckets,
  };
}
