/** The hub serves the web client's build: pages under a strict CSP, assets, and the apps' brand data. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_APPS } from "../../src/config/apps.js";
import { createMemoryBus } from "../../src/bus/memoryBus.js";
import { startHub, type Hub } from "../../src/hub.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

let hub: Hub;
let bare: Hub;
const root = mkdtempSync(join(tmpdir(), "web-"));

beforeAll(async () => {
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), "<title>launcher</title>");
  writeFileSync(join(root, "app.html"), "<title>app</title>");
  writeFileSync(join(root, "assets", "app-1234.js"), "console.log(1)");
  writeFileSync(join(root, "secret.txt"), "not an asset");
  hub = await startHub({
    store: openSqliteStore({ path: ":memory:" }),
    bus: createMemoryBus(),
    apps: DEMO_APPS,
    webRoot: root,
  });
  bare = await startHub({
    store: openSqliteStore({ path: ":memory:" }),
    bus: createMemoryBus(),
    apps: DEMO_APPS,
  });
});
afterAll(async () => {
  await hub.close();
  await bare.close();
});

describe("the web client on the hub", () => {
  it("serves the launcher at / and each app at /<app>/, with a strict CSP", async () => {
    const launcher = await fetch(`${hub.url}/`);
    expect(launcher.status).toBe(200);
    expect(await launcher.text()).toContain("launcher");
    const csp = launcher.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    for (const app of ["whatsapp", "instagram", "messenger"]) {
      const page = await fetch(`${hub.url}/${app}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>app</title>");
      expect(page.headers.get("content-security-policy")).toBe(csp);
    }
    const redirect = await fetch(`${hub.url}/whatsapp`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/whatsapp/");
  });

  it("serves hashed assets and nothing outside assets/", async () => {
    const asset = await fetch(`${hub.url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("text/javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${hub.url}/assets/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${hub.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${hub.url}/secret.txt`)).status).toBe(404);
    expect((await fetch(`${hub.url}/telegram/`)).status).toBe(404);
  });

  it("publishes the apps' brand data, nothing else of their configuration", async () => {
    const apps = (await (await fetch(`${hub.url}/apps.json`)).json()) as Record<string, unknown>[];
    expect(apps.map((a) => a.id)).toEqual(["messenger", "instagram", "whatsapp"]);
    expect(Object.keys(apps[0]!).sort()).toEqual(["brandColor", "displayName", "id", "identity"]);
  });

  it("says how to build the web client when there is none", async () => {
    const page = await fetch(`${bare.url}/`);
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/npm run build/);
  });
});
