/**
 * The Store's append path alone, no sockets: µs of CPU per appended message
 * (the process's user+system time over the run, so time spent waiting for
 * fsync is not counted, and work on other threads is) and messages per
 * second, with `--pairs` conversations each keeping `--window` appends in
 * flight, the way the direct-chat workload drives the hub.
 *
 * With `--rate`, appends are instead offered at that many per second whatever
 * the store does (open loop), as the latency phases of the workloads do.
 *
 * Client message ids are 32 random bytes in hex, as the SDK sends them (a
 * MIMI message id); `--counter-ids=1` sends the short counting ids this
 * bench used before, which keep the idempotency index in insertion order.
 *
 *   node --import tsx bench/storeAppend.ts [--messages=200000] [--pairs=32] [--window=64] [--payload=334] [--rate=10000] [--counter-ids=1]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openSqliteStore } from "../packages/server/src/store/sqlite/index.js";
import { nextMessageId } from "./lib/messageIds.js";

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
const RATE = args.get("rate");
const COUNTER_IDS = args.get("counter-ids") === 1;

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
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const started = performance.now();
let count = 0;
const appendOne = async (c: (typeof conversations)[number]) => {
  const i = count++;
  sent++;
  const result = await store.appendMessage({
    conversationId: c.id,
    senderDeviceId: c.sender,
    senderAddress: c.address,
    clientMessageId: COUNTER_IDS ? `m-${i}-0123456789` : nextMessageId(),
    payload,
    epoch: 0,
    serverTime: Date.now(),
  });
  if (result.kind !== "appended") throw new Error(result.kind);
  done++;
};
if (RATE === undefined) {
  // Closed loop: each conversation keeps WINDOW appends in flight.
  await Promise.all(
    conversations.map(async (c) => {
      let n = 0;
      const lane = async () => {
        while (n++ < perPair) await appendOne(c);
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.floor(WINDOW)) }, lane));
    }),
  );
} else {
  // Open loop: what is due each millisecond is sent, answered or not.
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(MESSAGES, Math.floor(((performance.now() - started) / 1000) * RATE));
      while (sent < due) pending.push(appendOne(conversations[sent % PAIRS]!));
      if (sent >= MESSAGES) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(pending);
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
loopDelay.disable();
const ms = (ns: number) => (ns / 1e6).toFixed(1);
const cpuUs = (cpu.user + cpu.system) / done;
console.log(
  `${done} appends (${sent} sent), ${PAIRS} conversations x ${WINDOW} in flight, ${PAYLOAD} B: ` +
    `${Math.round(done / seconds).toLocaleString("en")} msg/s, ${cpuUs.toFixed(1)} µs CPU per message, ` +
    `event loop delay p99 ${ms(loopDelay.percentile(99))} ms, max ${ms(loopDelay.max)} ms, ` +
    `${JSON.stringify({ ...store.stats(), ...store.checkpoints() })}`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
