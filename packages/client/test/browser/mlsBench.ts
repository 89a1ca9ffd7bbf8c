/**
 * MLS in Chromium: the WebCrypto provider against ts-mls's default provider,
 * same work (a group of 10: the add commit, a join, 1 KiB messages sent and
 * received, update commits sent and processed). Run by hand:
 *
 *   node --import tsx packages/client/test/browser/mlsBench.ts
 */
import { fileURLToPath } from "node:url";
import { bundlePage, launchChromium, servePage } from "./chromium.js";

const served = await servePage(
  await bundlePage(fileURLToPath(new URL("./page/mlsBench.ts", import.meta.url))),
);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(e));
  await page.goto(served.url);
  await page.waitForFunction(() => globalThis.__benchResults !== undefined, undefined, { timeout: 600_000 });
  const results = (await page.evaluate(() => globalThis.__benchResults)) as Record<
    string,
    Record<string, number>
  >;
  const rows = Object.keys(results.webcrypto!);
  console.log(
    `${"".padEnd(20)}${"WebCrypto".padStart(12)}${"ts-mls default".padStart(16)}${"ratio".padStart(8)}`,
  );
  for (const row of rows) {
    const web = results.webcrypto![row]!;
    const def = results.tsMlsDefault![row]!;
    const ratio = row === "messagesPerSecond" ? web / def : def / web;
    console.log(
      `${row.padEnd(20)}${web.toFixed(1).padStart(12)}${def.toFixed(1).padStart(16)}${ratio.toFixed(1).padStart(7)}x`,
    );
  }
} finally {
  await browser.close();
  await served.close();
}
