/**
 * The web client's end-to-end tests: everything of webHub.ts (build, hub,
 * people driven by role and name), and the suite every test file is.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { chromiumMissing } from "../../../devkit/chromium.js";
import { buildWebClient, startWebHub, type WebHub, type WebHubOptions } from "./webHub.js";

export * from "./webHub.js";

/**
 * One end-to-end suite of the web client. Where there is no Chromium it is
 * skipped with a loud warning (under CI=true it fails instead); before its
 * tests it builds the client and starts a hub serving it, in a browser;
 * after them it closes both. `body` gets the hub as a stand-in that reaches
 * the running one once the suite has started it.
 */
export function webSuite(name: string, body: (web: WebHub) => void, options: WebHubOptions = {}): void {
  const missing = chromiumMissing();
  const skip = missing !== undefined && process.env.CI !== "true";
  if (skip) console.warn(`\n!!! ${name}: ${missing}: SKIPPED\n`);
  (skip ? describe.skip : describe)(name, () => {
    let running: WebHub | undefined;
    beforeAll(async () => {
      if (missing) throw new Error(missing);
      running = await startWebHub(await buildWebClient(), options);
    });
    afterAll(async () => {
      await running?.close();
    });
    const up = (): WebHub => {
      if (!running) throw new Error(`${name}: the hub is not up (its beforeAll failed or has not run)`);
      return running;
    };
    // A stand-in for the running hub; `{ ...web, browser }` copies its fields too.
    const web = new Proxy({} as WebHub, {
      get: (_, key) => Reflect.get(up(), key) as unknown,
      ownKeys: () => Reflect.ownKeys(up()),
      getOwnPropertyDescriptor: (_, key) => {
        const field = Reflect.getOwnPropertyDescriptor(up(), key);
        return field && { ...field, configurable: true };
      },
    });
    body(web);
  });
}
