/**
 * Bytes the Store keeps per added device when one commit adds many devices
 * (issue 14, item 3): the database's used pages (page_count - freelist_count,
 * times page_size) after the commit minus before it, divided by the devices
 * added. The Welcome is synthetic: random bytes of `--welcome-bytes`, about
 * what ts-mls writes for a 1,000-device add (the issue measured 739 MiB for
 * 1,000 copies; LIMITS.maxHandshakeBytes is 768 KiB). The store does not read
 * it, so its content does not matter, only its size.
 *
 *   node --import tsx bench/welcomeStorage.ts [--devices=1000] [--welcome-bytes=757000]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "../packages/server/src/store/sqlite/index.js";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, Number(v)] as const;
  }),
);
const DEVICES = args.get("devices") ?? 1000;
const WELCOME_BYTES = args.get("welcome-bytes") ?? 757_000;

// SqliteStore.close() awaits its checkpoint worker's exit, but the worker is
// unref'd, so with nothing else to do Node would leave mid-close (exit code 13).
const keepAlive = setInterval(() => {}, 60_000);

const dir = mkdtempSync(join(tmpdir(), "sb-welcome-bench-"));
const path = join(dir, "bench.db");

function usedBytes(): number {
  const db = new Database(path, { readonly: true });
  const pages = db.pragma("page_count", { simple: true }) as number;
  const free = db.pragma("freelist_count", { simple: true }) as number;
  const size = db.pragma("page_size", { simple: true }) as number;
  db.close();
  return (pages - free) * size;
}

const conversationId = "0123456789abcdef0123456789abcdef";
let store = openSqliteStore({ path });
await store.createAccount(
  { address: "owner@bench", app: "bench", displayName: "owner", createdAt: 0 },
  { id: "dev-owner", signatureKey: new Uint8Array(32), createdAt: 0 },
);
const added: string[] = [];
const accounts: string[] = [];
for (let i = 0; i < DEVICES; i++) {
  const address = `user${i}@bench`;
  const id = `dev-${i}`;
  await store.createAccount(
    { address, app: "bench", displayName: address, createdAt: 0 },
    { id, signatureKey: new Uint8Array(randomBytes(32)), createdAt: 0 },
  );
  added.push(id);
  accounts.push(address);
}
const created = await store.createConversation({
  id: conversationId,
  kind: "group",
  createdAt: 0,
  creatorAddress: "owner@bench",
  creatorDeviceId: "dev-owner",
  groupInfo: new Uint8Array(100),
});
if (created.kind !== "created") throw new Error(created.kind);
await store.close();
const before = usedBytes();

store = openSqliteStore({ path });
const result = await store.commit({
  conversationId,
  senderDeviceId: "dev-owner",
  senderAddress: "owner@bench",
  clientMessageId: "add-all",
  payload: new Uint8Array(1000),
  epoch: 0,
  serverTime: 0,
  groupInfo: new Uint8Array(100),
  membership: { addedDevices: added, removedDevices: [], addedAccounts: accounts, removedAccounts: [] },
  welcome: new Uint8Array(randomBytes(WELCOME_BYTES)),
});
if (result.kind !== "committed") throw new Error(result.kind);
await store.close();
const after = usedBytes();
rmSync(dir, { recursive: true, force: true });
clearInterval(keepAlive);

const perDevice = (after - before) / DEVICES;
console.log(
  `${DEVICES} devices added by one commit with a ${WELCOME_BYTES.toLocaleString("en")} B Welcome: ` +
    `${(after - before).toLocaleString("en")} B stored, ${Math.round(perDevice).toLocaleString("en")} B per added device`,
);
