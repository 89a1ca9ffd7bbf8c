/**
 * Vitest global setup: build the `switchboard` command once before the tests
 * that spawn it, so they run the JavaScript build (fast to start) of the
 * sources under test rather than falling back to tsx.
 */
// @ts-expect-error: a plain ES module without types (it must run without tsx).
import { buildCli } from "../packages/cli/scripts/build.mjs";

export default async function setup(): Promise<void> {
  await (buildCli as () => Promise<void>)();
}
