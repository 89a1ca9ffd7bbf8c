/** [EG4] Named limits: RATE_LIMITED with retry-after, keys apart, bounded memory; which ops spend which. */
import { describe, expect, it } from "vitest";
import { ProtocolError, create, RequestSchema } from "@switchboard/protocol";
import { chargesFor } from "../../src/gateway/rateLimitOps.js";
import { RateLimits } from "../../src/rateLimit/rateLimits.js";
import { rateLimitSettings } from "../../src/rateLimit/rateLimitSettings.js";

function limits(maxBuckets = 1000): { limits: RateLimits; advance: (ms: number) => void } {
  let now = 0;
  const settings = rateLimitSettings({
    limits: { lookupPerAccount: { burst: 2, perMinute: 6 } },
    maxBuckets,
  });
  return { limits: new RateLimits(settings, () => now), advance: (ms) => (now += ms) };
}

describe("rate limits", () => {
  it("[EG4] over a limit: RATE_LIMITED with how long to wait; keys and limits are apart", () => {
    const { limits: l, advance } = limits();
    let hits = 0;
    l.onLimited = () => hits++;
    l.charge("lookupPerAccount", "a");
    l.charge("lookupPerAccount", "a");
    let error: unknown;
    try {
      l.charge("lookupPerAccount", "a");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe("RATE_LIMITED");
    expect((error as ProtocolError).details.retryAfterMs).toBe(10_000);
    expect(hits).toBe(1);
    l.charge("lookupPerAccount", "b");
    l.charge("lookupPerIp", "a");
    advance(10_000);
    l.charge("lookupPerAccount", "a");
  });

  it("[EG4] memory is bounded: past maxBuckets the least recently used bucket is forgotten", () => {
    const settings = rateLimitSettings({
      limits: { sendPerAccount: { burst: 1, perMinute: 1 } },
      maxBuckets: 3,
    });
    const l = new RateLimits(settings, () => 0);
    for (const key of ["a", "b", "c"]) l.charge("sendPerAccount", key);
    expect(l.tryCharge("sendPerAccount", "a")).toBeGreaterThan(0); // used: now the most recent
    l.charge("sendPerAccount", "d"); // forgets b, the least recently used
    expect(l.size).toBe(3);
    expect(l.tryCharge("sendPerAccount", "b")).toBe(0); // a fresh bucket; forgets c
    expect(l.tryCharge("sendPerAccount", "a")).toBeGreaterThan(0);
    for (let i = 0; i < 20_000; i++) l.tryCharge("sendPerAccount", `k${i}`);
    expect(l.size).toBe(3);
  });

  it("[EG4] full buckets are swept, so idle keys cost nothing", () => {
    const { limits: l, advance } = limits();
    for (let i = 0; i < 500; i++) l.charge("claimPerTarget", `t${i}`);
    expect(l.size).toBe(500);
    advance(60 * 60_000);
    for (let i = 0; i < 10_000; i++) l.tryCharge("claimPerTarget", "busy");
    expect(l.size).toBeLessThan(10);
  });

  it("[EG4] each limited op spends its limits, per account, per IP and per target", () => {
    const who = { address: "me@instagram", remoteAddress: "10.0.0.1" };
    const op = (init: Parameters<typeof create<typeof RequestSchema>>[1]) => create(RequestSchema, init).op;
    expect(chargesFor(op({ op: { case: "register", value: { address: "x@instagram" } } }), who)).toEqual([
      ["registerPerIp", "10.0.0.1"],
    ]);
    expect(
      chargesFor(op({ op: { case: "register", value: { address: "X@app", verificationCode: "1" } } }), who),
    ).toEqual([
      ["registerPerIp", "10.0.0.1"],
      ["verificationAttemptPerAddress", "x@app"],
      ["verificationAttemptPerIp", "10.0.0.1"],
    ]);
    expect(
      chargesFor(op({ op: { case: "claimKeyPackages", value: { address: "Bob@instagram" } } }), who),
    ).toEqual([
      ["claimPerClaimer", "me@instagram"],
      ["claimPerTarget", "bob@instagram"],
    ]);
    expect(chargesFor(op({ op: { case: "commit", value: {} } }), who)).toEqual([]);
    expect(chargesFor(op({ op: { case: "commit", value: { welcome: new Uint8Array(1) } } }), who)).toEqual([
      ["addMembersPerAccount", "me@instagram"],
    ]);
    expect(chargesFor(op({ op: { case: "sendMessage", value: {} } }), who)).toEqual([
      ["sendPerAccount", "me@instagram"],
    ]);
    expect(chargesFor(op({ op: { case: "lookupAccount", value: {} } }), who)).toEqual([
      ["lookupPerAccount", "me@instagram"],
      ["lookupPerIp", "10.0.0.1"],
    ]);
    expect(chargesFor(op({ op: { case: "ping", value: {} } }), who)).toEqual([]);
  });
});
