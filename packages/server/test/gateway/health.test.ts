/** HTTP edge: health check, unknown paths, graceful close. */
import { describe, expect, it } from "vitest";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub } from "../../src/index.js";

describe("http", () => {
  it("answers /healthz, 404s elsewhere, and stops cleanly", async () => {
    const hub = await startHub({
      store: openSqliteStore({ path: ":memory:" }),
      bus: createMemoryBus(),
      apps: DEMO_APPS,
    });
    const health = await fetch(`${hub.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    expect((await fetch(`${hub.url}/nope`)).status).toBe(404);
    await hub.close();
    await expect(fetch(`${hub.url}/healthz`)).rejects.toThrow();
  });
});
