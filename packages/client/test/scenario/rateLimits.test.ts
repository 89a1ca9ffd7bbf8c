/**
 * [EG4] Over a rate limit the hub answers RATE_LIMITED with a retry-after;
 * the SDK hands it to its caller as a RateLimitedError, and its outbox waits
 * that long (a fake clock here) before trying again instead of hammering.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RateLimitedError } from "../../src/index.js";
import { eventually, newClient, newDevice, startTestHub, texts, type TestHub } from "./harness.js";

describe("rate limits", () => {
  let hub: TestHub;
  let now: number;
  /** The SDK's waits move the hub's clock instead of sleeping. */
  const waits: number[] = [];
  const wait = async (ms: number): Promise<void> => {
    waits.push(ms);
    now += ms;
  };

  beforeEach(async () => {
    now = Date.now();
    waits.length = 0;
    hub = await startTestHub({
      clock: () => now,
      rateLimits: {
        limits: {
          sendPerAccount: { burst: 2, perMinute: 60 },
          registerPerIp: { burst: 2, perMinute: 1 },
        },
      },
    });
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[EG4] a send over the limit waits out the retry-after, tells its caller, then succeeds", async () => {
    const alice = await newClient({ wait });
    await alice.client.register(hub.hub.url, "alice@instagram", "Alice");
    await alice.client.connect();
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const told: number[] = [];
    alice.client.events.on("rateLimited", (e) => told.push(e.retryAfterMs));

    await alice.client.sendText("bob@instagram", "one");
    await alice.client.sendText("bob@instagram", "two");
    expect(waits).toEqual([]);
    const third = await alice.client.sendText("bob@instagram", "three");
    expect(third.seq).not.toBeNull();
    // One token a second: the third send waited a second of (fake) time, once.
    expect(told).toEqual([1000]);
    expect(waits).toEqual([1000]);
    await eventually(() => texts(bob.received).length === 3, "bob to get all three");
    expect(texts(bob.received)).toEqual(["one", "two", "three"]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it("[EG4] a registration over the per-IP limit is a RateLimitedError with a retry-after, and passes later", async () => {
    const first = await newDevice(hub.hub.url, "one@instagram");
    const second = await newDevice(hub.hub.url, "two@instagram");
    const third = await newClient();
    const refused = await third.client
      .register(hub.hub.url, "three@instagram", "Three")
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).code).toBe("RATE_LIMITED");
    expect((refused as RateLimitedError).retryAfterMs).toBe(60_000);
    now += 60_000;
    await third.client.register(hub.hub.url, "three@instagram", "Three");
    expect(third.client.address).toBe("three@instagram");
    await Promise.all([first, second, third].map((d) => d.client.close()));
  });
});
