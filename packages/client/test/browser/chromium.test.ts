/**
 * The SDK's browser parts, tested in real Chromium: the CryptoProvider
 * known-answer contract on WebCrypto, the LocalStore contract on IndexedDB,
 * the Transport contract on the native WebSocket, the profile lock on Web
 * Locks and key wrapping. Each test that ran in the page is reported here as
 * its own vitest test.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { attachEchoServer } from "../transport/echoServer.js";
import type { PageTestResult } from "./page/vitestShim.js";
import { chromiumAvailable } from "./availability.js";
import { bundlePage, launchChromium, pageLog, servePage } from "./chromium.js";

const PAGE_TIMEOUT_MS = 60_000;

/** An origin on a port that was just free: nothing listens there. */
async function deadServer(): Promise<string> {
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
  const { port } = dead.address() as AddressInfo;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function runPageSuites(): Promise<{ results: PageTestResult[]; log: string[] }> {
  const script = await bundlePage(fileURLToPath(new URL("./page/suites.ts", import.meta.url)));
  const served = await servePage(script);
  const echo = attachEchoServer(served.server);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const log = pageLog(page);
    await page.goto(`${served.url}?dead=${encodeURIComponent(await deadServer())}`);
    // An uncaught error in the page ends the wait at once, instead of at the timeout.
    const crashed = new Promise<never>((_, reject) =>
      page.on("pageerror", (e) =>
        reject(new Error(`the page threw: ${e.message}\n${log.slice(-8).join("\n")}`)),
      ),
    );
    const finished = page
      .waitForFunction(() => globalThis.__switchboardResults !== undefined, undefined, {
        timeout: PAGE_TIMEOUT_MS,
      })
      .catch((err: unknown) => {
        throw new Error(`the page did not finish:\n${log.slice(-8).join("\n")}`, { cause: err });
      });
    await Promise.race([finished, crashed]);
    const results = await page.evaluate(() => globalThis.__switchboardResults!);
    return { results, log };
  } finally {
    await browser.close();
    echo.close();
    await served.close();
  }
}

if (chromiumAvailable("SDK browser parts in Chromium")) {
  const { results, log } = await runPageSuites();
  describe("in Chromium", () => {
    it("the page ran its suites", () => {
      if (results.length === 0) throw new Error(`the page ran nothing:\n${log.join("\n")}`);
    });
    for (const result of results) {
      const run = result.skipped === true ? it.skip : it;
      run(result.name, () => {
        if (!result.ok) throw new Error(`${result.error ?? "failed"}\n--- page log ---\n${log.join("\n")}`);
      });
    }
  });
}
