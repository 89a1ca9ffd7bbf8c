/** [EG5] /metrics after some traffic, per hub; /readyz follows the Store and the Bus; /healthz stays liveness. */
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub, type Hub } from "../../src/index.js";
import type { Bus } from "../../src/bus/port.js";
import type { Store } from "../../src/store/port.js";
import { RawClient, newKeys, sign } from "./rawClient.js";

const hubs: Hub[] = [];

async function hubWith(): Promise<{ hub: Hub; store: Store; bus: Bus }> {
  const store = openSqliteStore({ path: ":memory:" });
  const bus = createMemoryBus();
  const hub = await startHub({
    store,
    bus,
    apps: DEMO_APPS,
    rateLimits: { limits: { registerPerIp: { burst: 1, perMinute: 1 } } },
  });
  hubs.push(hub);
  return { hub, store, bus };
}

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

async function register(url: string, handle: string): Promise<string | undefined> {
  const client = await RawClient.connect(url);
  const challenge = await client.hello();
  const keys = newKeys();
  const answer = await client.request(
    {
      case: "register",
      value: {
        address: `${handle}@instagram`,
        displayName: handle,
        signatureKey: keys.publicKey,
        signature: sign(keys.privateKey, challenge),
      },
    },
    1n,
  );
  await client.request({ case: "ping", value: {} }, 2n);
  client.close();
  return answer.result.case === "error" ? answer.result.value.code : undefined;
}

async function scrape(hub: Hub): Promise<string> {
  const res = await fetch(`${hub.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

/** The value of one series, by its exact name and labels as Prometheus prints them. */
function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("metrics and readiness", () => {
  it("[EG5] /metrics counts frames, bytes, errors, Store and Bus latency, rate-limit hits and connections, per hub", async () => {
    const { hub } = await hubWith();
    const other = await hubWith();
    expect(await register(hub.url, "alice")).toBeUndefined();
    expect(await register(hub.url, "bob")).toBe("RATE_LIMITED");

    const text = await scrape(hub);
    expect(value(text, 'switchboard_frames_in_total{type="register"}')).toBe(2);
    expect(value(text, 'switchboard_frames_in_total{type="hello"}')).toBe(2);
    expect(value(text, 'switchboard_frames_out_total{type="register"}')).toBe(1);
    expect(value(text, 'switchboard_frames_out_total{type="ping"}')).toBe(2);
    expect(value(text, 'switchboard_bytes_in_total{type="register"}')).toBeGreaterThan(100);
    expect(value(text, 'switchboard_errors_total{code="RATE_LIMITED"}')).toBe(1);
    expect(value(text, 'switchboard_rate_limited_total{limit="registerPerIp"}')).toBe(1);
    expect(value(text, "switchboard_connections_accepted_total")).toBe(2);
    expect(text).toMatch(/^switchboard_connections_open \d+$/m);
    expect(text).toMatch(/^switchboard_queued_bytes \d+$/m);
    expect(text).toMatch(/^switchboard_store_seconds_count\{method="createAccount",outcome="ok"\} 1$/m);
    expect(text).toMatch(
      /^switchboard_store_seconds_bucket\{le="0\.001",method="hubSigningKey",outcome="ok"\} \d+$/m,
    );
    expect(text).toMatch(/^switchboard_bus_seconds_count\{method="subscribe",outcome="ok"\} \d+$/m);

    // Another hub in the same process counts only its own.
    const untouched = await scrape(other.hub);
    expect(value(untouched, 'switchboard_frames_in_total{type="register"}')).toBeUndefined();
    expect(value(untouched, "switchboard_connections_accepted_total")).toBe(0);
  });

  it("[EG5] /readyz is 503 with the Store stopped, /healthz still 200", async () => {
    const { hub, store } = await hubWith();
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    await store.close();
    const res = await fetch(`${hub.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not_ready", checks: { store: "down", bus: "ok" } });
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });

  it("[EG5] /readyz is 503 with the Bus stopped", async () => {
    const { hub, bus } = await hubWith();
    await bus.close();
    const res = await fetch(`${hub.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not_ready", checks: { store: "ok", bus: "down" } });
  });
});
