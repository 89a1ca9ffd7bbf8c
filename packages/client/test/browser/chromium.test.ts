/**
 * The SDK's browser parts, tested in real Chromium: the CryptoProvider
 * known-answer contract on WebCrypto, the LocalStore contract on IndexedDB,
 * the Transport contract on the native WebSocket, the profile lock on Web
 * Locks and key wrapping. Each test that ran in the page is reported here as
 * its own vitest test.
 */
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import type { PageTestResult } from "./page/vitestShim.js";
import { bundlePage, chromiumAvailable, launchChromium, pageLog, servePage } from "./chromium.js";

const PAGE_TIMEOUT_MS = 90_000;

async function runPageSuites(): Promise<{ results: PageTestResult[]; log: string[] }> {
  const script = await bundlePage(fileURLToPath(new URL("./page/suites.ts", import.meta.url)));
  const served = await servePage(script);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const log = pageLog(page);
    await page.goto(served.url);
    await page.waitForFunction(() => globalThis.__switchboardResults !== undefined, undefined, {
      timeout: PAGE_TIMEOUT_MS,
    });
    const results = await page.evaluate(() => globalThis.__switchboardResults!);
    return { results, log };
  } finally {
    await browser.close();
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
