/**
 * A hub with attachments on the filesystem, in its own process so the bench
 * can read its RSS; registers one account and prints its URL and an upload
 * token as one JSON line on stdout.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEMO_APPS,
  createMemoryBus,
  openFsBlobStore,
  openSqliteStore,
  startHub,
  DEFAULT_MEDIA_SETTINGS,
} from "../../packages/server/src/index.js";
import { RawClient, newKeys, sign } from "../../packages/server/test/gateway/rawClient.js";

const dir = mkdtempSync(join(tmpdir(), "sb-bench-blobs-"));
const GB = 1024 * 1024 * 1024;
const hub = await startHub({
  store: openSqliteStore({ path: ":memory:" }),
  bus: createMemoryBus(),
  apps: DEMO_APPS,
  media: {
    blobs: await openFsBlobStore(join(dir, "blobs")),
    settings: { ...DEFAULT_MEDIA_SETTINGS, maxFileBytes: 2 * GB, accountQuotaBytes: 100 * GB },
  },
});
const client = await RawClient.connect(hub.url);
const challenge = await client.hello();
const keys = newKeys();
await client.request(
  {
    case: "register",
    value: {
      address: "bench@instagram",
      displayName: "bench",
      signatureKey: keys.publicKey,
      signature: sign(keys.privateKey, challenge),
    },
  },
  1n,
);
// Tokens last 10 minutes: one per transfer, on request (a line on stdin).
async function token(): Promise<string> {
  const response = await client.request({ case: "createUploadToken", value: {} }, BigInt(Date.now()));
  if (response.result.case !== "createUploadToken") throw new Error("no token");
  return response.result.value.token;
}
process.stdout.write(JSON.stringify({ url: hub.url, dir, token: await token() }) + "\n");
process.stdin.on("data", () => {
  void token().then((t) => process.stdout.write(JSON.stringify({ token: t }) + "\n"));
});
process.stdin.on("end", () => {
  client.close();
  void hub.close().then(() => process.exit(0));
});
