/** Whether a browser test can run here (kept apart from chromium.ts, which must not import vitest). */
import { existsSync } from "node:fs";
import { describe, it } from "vitest";
import { CHROMIUM_PATH } from "./chromium.js";

/**
 * Whether Chromium is here. Outside CI a browser test without it is skipped,
 * loudly; with CI=true it fails instead (a CI that silently skips is no CI).
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `!!! ${what}: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set SWITCHBOARD_CHROMIUM)`;
  if (process.env.CI === "true") {
    describe(what, () => {
      it("needs Chromium", () => {
        throw new Error(message);
      });
    });
  } else {
    console.warn(`\n${message}: SKIPPED\n`);
    describe.skip(what, () => {
      it("needs Chromium", () => undefined);
    });
  }
  return false;
}
