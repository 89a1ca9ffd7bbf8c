/** [EG6] Browser pages from unlisted origins may not open a WebSocket to the hub; other clients may. */
import WebSocket from "ws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub, type Hub } from "../../src/index.js";
import { originAllowed } from "../../src/gateway/connectionSettings.js";

let hub: Hub;

beforeEach(async () => {
  hub = await startHub({
    store: openSqliteStore({ path: ":memory:" }),
    bus: createMemoryBus(),
    apps: DEMO_APPS,
    connections: { allowedOrigins: ["https://chat.example.com"] },
  });
});

afterEach(async () => {
  await hub.close();
});

/** "open", or the HTTP status the upgrade was refused with. */
function attempt(origin: string | undefined): Promise<"open" | number> {
  const ws = new WebSocket(hub.url.replace(/^http/, "ws") + "/ws", origin === undefined ? {} : { origin });
  return new Promise((resolve, reject) => {
    ws.once("open", () => {
      ws.close();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once("error", reject);
  });
}

describe("origin check", () => {
  it("[EG6] no Origin (CLI), the hub's own origin and a listed one are accepted; others get 403", async () => {
    expect(await attempt(undefined)).toBe("open");
    expect(await attempt("https://chat.example.com")).toBe("open");
    expect(await attempt(hub.url)).toBe("open");
    expect(await attempt("https://evil.example")).toBe(403);
    expect(await attempt("http://chat.example.com")).toBe(403);
    expect(await attempt("null")).toBe(403);
  });

  it("[EG6] the rule alone: by origin, host for the hub's own, malformed refused", () => {
    expect(originAllowed(undefined, "hub:8787", [])).toBe(true);
    expect(originAllowed("https://hub:8787", "hub:8787", [])).toBe(true);
    expect(originAllowed("https://HUB:8787", "hub:8787", [])).toBe(true);
    expect(originAllowed("https://hub:8788", "hub:8787", [])).toBe(false);
    expect(originAllowed("https://a.example", "hub", ["https://a.example/"])).toBe(true);
    expect(originAllowed("https://a.example", "hub", ["not a url"])).toBe(false);
    expect(originAllowed("::", "hub", [])).toBe(false);
  });
});
