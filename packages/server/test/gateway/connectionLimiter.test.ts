/** [EG3] Connection caps, alone: per IP and in total, counted and released exactly. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectionLimiter } from "../../src/gateway/connectionLimiter.js";
import { clientAddress } from "../../src/gateway/connectionSettings.js";

describe("connection limiter", () => {
  it("[EG3] refuses past the per-IP cap and the total cap, and frees a slot on release", () => {
    const limiter = new ConnectionLimiter(3, 2);
    expect(limiter.tryAcquire("a")).toBe(true);
    expect(limiter.tryAcquire("a")).toBe(true);
    expect(limiter.tryAcquire("a")).toBe(false);
    expect(limiter.tryAcquire("b")).toBe(true);
    expect(limiter.tryAcquire("c")).toBe(false);
    limiter.release("a");
    expect(limiter.tryAcquire("c")).toBe(true);
    expect(limiter.open).toBe(3);
  });

  it("[EG3] any interleaving of acquires and releases keeps both counts within their caps", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom("a", "b", "c")), { maxLength: 200 }),
        (steps) => {
          const limiter = new ConnectionLimiter(4, 2);
          const held: string[] = [];
          for (const [acquire, ip] of steps) {
            if (acquire) {
              if (limiter.tryAcquire(ip)) held.push(ip);
            } else {
              const i = held.indexOf(ip);
              if (i >= 0) {
                held.splice(i, 1);
                limiter.release(ip);
              }
            }
            expect(limiter.open).toBe(held.length);
            expect(limiter.open).toBeLessThanOrEqual(4);
            for (const x of ["a", "b", "c"]) {
              expect(limiter.openFrom(x)).toBe(held.filter((h) => h === x).length);
              expect(limiter.openFrom(x)).toBeLessThanOrEqual(2);
            }
          }
        },
      ),
    );
  });
});

describe("client address", () => {
  it("[EG3] X-Forwarded-For is read only when trusted, and then its last entry", () => {
    const trusted = { trustForwardedFor: true };
    const untrusted = { trustForwardedFor: false };
    expect(clientAddress("10.0.0.9", "1.2.3.4", untrusted)).toBe("10.0.0.9");
    expect(clientAddress("10.0.0.9", "6.6.6.6, 1.2.3.4", trusted)).toBe("1.2.3.4");
    expect(clientAddress("10.0.0.9", ["6.6.6.6", "1.2.3.4"], trusted)).toBe("1.2.3.4");
    expect(clientAddress("10.0.0.9", undefined, trusted)).toBe("10.0.0.9");
    expect(clientAddress(undefined, undefined, untrusted)).toBe("");
  });
});
