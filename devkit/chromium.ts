/**
 * Debian's Chromium for tests and scripts, driven by playwright-core: never a
 * downloaded browser. Outside CI a test that needs it and finds none is
 * skipped with a loud message; with CI=true it fails instead.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.SWITCHBOARD_CHROMIUM ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox", // CI runs as root
  "--disable-gpu",
  "--disable-background-networking", // the machine's network is closed: no calls home
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Why Chromium cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set SWITCHBOARD_CHROMIUM)`;
}
