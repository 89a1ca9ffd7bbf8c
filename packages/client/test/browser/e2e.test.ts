/**
 * End to end in real Chromium: openBrowserClient registers against a real hub
 * (in this process) and chats both ways with a Node SDK client; a reload
 * keeps the account and the history (IndexedDB, wrapped keys); a second tab
 * is refused the profile and can take it over, and the first tab is told.
 */
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  newDevice,
  startTestHub,
  texts,
  type TestDevice,
  type TestHub,
} from "../scenario/harness.js";
import { chromiumAvailable } from "./availability.js";
import { bundlePage, launchChromium, pageLog, servePage, type PageServer } from "./chromium.js";

if (chromiumAvailable("SDK browser entry end to end")) {
  describe("openBrowserClient in Chromium, against a real hub", () => {
    let hub: TestHub;
    let served: PageServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let log: string[];
    let bob: TestDevice;

    beforeAll(async () => {
      served = await servePage(await bundlePage(fileURLToPath(new URL("./page/e2e.ts", import.meta.url))));
      // The page comes from its own server: the hub lets that origin open WebSockets (SPEC EG6).
      hub = await startTestHub({ connections: { allowedOrigins: [served.url.replace(/\/$/, "")] } });
      browser = await launchChromium();
      // One context: two tabs of one browser profile share IndexedDB and Web Locks.
      context = await browser.newContext();
      page = await context.newPage();
      log = pageLog(page);
      await page.goto(served.url);
      await page.waitForFunction(() => globalThis.sb !== undefined);
      bob = await newDevice(hub.hub.url, "+14155550123@whatsapp");
    });

    afterAll(async () => {
      await bob?.client.close();
      await browser?.close();
      await served?.close();
      await hub?.close();
    });

    const withLog = async <T>(run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (err) {
        throw new Error(`${String(err)}\n--- page log ---\n${log.join("\n")}`, { cause: err });
      }
    };

    it("registers in the page and exchanges messages with a Node client both ways", async () => {
      await withLog(async () => {
        expect(await page.evaluate(() => globalThis.sb!.open("alice"))).toEqual({});
        await page.evaluate(
          (server) => globalThis.sb!.register("alice", server, "alice@instagram"),
          hub.hub.url,
        );
        await page.evaluate(() => globalThis.sb!.connect("alice"));
        await page.evaluate(() =>
          globalThis.sb!.send("alice", "+14155550123@whatsapp", "hello from Chromium"),
        );
        await eventually(
          () => texts(bob.received).includes("hello from Chromium"),
          "bob to get the page's message",
        );
        await bob.client.sendText("alice@instagram", "hello from Node");
        await page.waitForFunction(() => globalThis.sb!.received("alice").includes("hello from Node"));
        // All that signing (login, MLS) went through a non-extractable key: the page holds no seed.
        expect(await page.evaluate(() => globalThis.sb!.signingKeyInMemory("alice"))).toEqual({
          protectedKey: true,
          isTheSeed: false,
        });
      });
    });

    it("the hub's database holds no plaintext of that conversation", async () => {
      for (const file of [hub.dbPath, `${hub.dbPath}-wal`]) {
        if (!existsSync(file)) continue;
        const bytes = readFileSync(file);
        expect(bytes.includes("hello from Chromium")).toBe(false);
        expect(bytes.includes("hello from Node")).toBe(false);
      }
    });

    it("a reload keeps the account and the history", async () => {
      await withLog(async () => {
        await page.reload();
        await page.waitForFunction(() => globalThis.sb !== undefined);
        expect(await page.evaluate(() => globalThis.sb!.open("alice"))).toEqual({
          address: "alice@instagram",
        });
        expect(await page.evaluate(() => globalThis.sb!.signingKeyInMemory("alice"))).toEqual({
          protectedKey: true,
          isTheSeed: false,
        });
        expect(await page.evaluate(() => globalThis.sb!.history("alice"))).toEqual(
          expect.arrayContaining(["hello from Chromium", "hello from Node"]),
        );
        // And it still talks after the reload.
        await page.evaluate(() => globalThis.sb!.connect("alice"));
        await page.evaluate(() => globalThis.sb!.send("alice", "+14155550123@whatsapp", "after reload"));
        await eventually(
          () => texts(bob.received).includes("after reload"),
          "bob to get the message sent after reload",
        );
      });
    });

    it("a second tab is told PROFILE_IN_USE, can take over, and the first tab is told it lost the profile", async () => {
      await withLog(async () => {
        const second = await context.newPage();
        log.push(...pageLog(second));
        await second.goto(served.url);
        await second.waitForFunction(() => globalThis.sb !== undefined);
        expect(await second.evaluate(() => globalThis.sb!.open("alice"))).toEqual({
          error: "PROFILE_IN_USE",
        });
        expect(await second.evaluate(() => globalThis.sb!.open("alice", true))).toEqual({
          address: "alice@instagram",
        });
        await page.waitForFunction(() => globalThis.sb!.lost("alice") === "PROFILE_TAKEN_OVER");
        // The new tab carries on with the account.
        await second.evaluate(() => globalThis.sb!.connect("alice"));
        await bob.client.sendText("alice@instagram", "to the new tab");
        await second.waitForFunction(() => globalThis.sb!.received("alice").includes("to the new tab"));
      });
    });
  });
}
