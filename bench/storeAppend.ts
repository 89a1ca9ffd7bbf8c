/**
 * The Store's append path alone, no sockets: µs of CPU per appended message
 * (the process's user+system time over the run, so time spent waiting for
 * fsync is not counted, and work on other threads is) and messages per
 * second, with `--pairs` conversations each keeping `--window` appends in
 * flight, the way the direct-chat workload drives the hub.
 *
 *   node --import tsx bench/storeAppend.ts [--messages=200000] [--pairs=32] [--window=64] [--payload=334]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../packages/server/src/store/sqlite/index.js";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, Number(v)] as const;
  }),
);
const MESSAGES = args.get("messages") ?? 200_000;
const PAIRS = args.get("pairs") ?? 32;
const WINDOW = args.get("window") ?? 64;
const PAYLOAD = args.get("payload") ?? 334;

const dir = mkdtempSync(join(tmpdir(), "sb-store-bench-"));
const store = openSqliteStore({ path: join(dir, "bench.db") });

const conversations: { id: string; sender: string; address: string }[] = [];
for (let p = 0; p < PAIRS; p++) {
  const a = `a${p}@bench`;
  const b = `b${p}@bench`;
  for (const [address, device] of [
    [a, `dev-a-${p}`],
    [b, `dev-b-${p}`],
  ] as const) {
    await store.createAccount(
      { address, app: "bench", displayName: address, createdAt: 0 },
      { id: device, signatureKey: new Uint8Array(32), createdAt: 0 },
    );
  }
  const id = `conv-${p.toString().padStart(4, "0")}-0123456789abcdef`;
  const created = await store.createConversation({
    id,
    kind: "direct",
    createdAt: 0,
    creatorAddress: a,
    creatorDeviceId: `dev-a-${p}`,
    peerAddress: b,
    groupInfo: new Uint8Array(100),
  });
  if (created.kind !== "created") throw new Error(created.kind);
  conversations.push({ id, sender: `dev-a-${p}`, address: a });
}

const payload = new Uint8Array(PAYLOAD).fill(7);
let sent = 0;
let done = 0;
const perPair = Math.ceil(MESSAGES / PAIRS);
const cpuBefore = process.cpuUsage();
const started = performance.now();
await Promise.all(
  conversations.map(async (c) => {
    let n = 0;
    const lane = async () => {
      while (n < perPair) {
        const i = n++;
        sent++;
        const result = await store.appendMessage({
          conversationId: c.id,
          senderDeviceId: c.sender,
          senderAddress: c.address,
          clientMessageId: `m-${i}-0123456789`,
          payload,
          epoch: 0,
          serverTime: Date.now(),
        });
        if (result.kind !== "appended") throw new Error(result.kind);
        done++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.floor(WINDOW)) }, lane));
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuUs = (cpu.user + cpu.system) / done;
console.log(
  `${done} appends (${sent} sent), ${PAIRS} conversations x ${WINDOW} in flight, ${PAYLOAD} B: ` +
    `${Math.round(done / seconds).toLocaleString("en")} msg/s, ${cpuUs.toFixed(1)} µs CPU per message, ` +
    `${JSON.stringify(store.stats())}`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
