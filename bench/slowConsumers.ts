/**
 * Slow consumers against a real hub process (issue 14, item 1): clients that
 * send fetches of large pages and never read the answers. Prints the hub's
 * resident memory idle and at its peak, /healthz latency during the attack,
 * and whether a normal client is still answered.
 *
 *   node --import tsx bench/slowConsumers.ts [--clients=10] [--fetches=400] [--budget=BYTES]
 *
 * --budget sets the hub's per-connection send budget (default 4 MiB); a huge
 * one (1e12) shows what an unbounded hub does.
 *
 * The hub runs in a child process (this file with --hub) on a SQLite file;
 * the parent seeds each attacker's conversation through it (IPC), since a
 * raw client cannot make MLS group state.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub } from "../packages/server/src/index.js";
import { RawClient, newKeys, requestFrame, sign } from "../packages/server/test/gateway/rawClient.js";

const PAGE_MESSAGES = 12;
const MESSAGE_BYTES = 200 * 1024;

interface Seed {
  deviceId: string;
  address: string;
  conversationId: string;
}

async function hubMain(dir: string, budget: number | undefined): Promise<void> {
  const store = openSqliteStore({ path: join(dir, "hub.db") });
  const hub = await startHub({
    store,
    bus: createMemoryBus(),
    apps: DEMO_APPS,
    ...(budget === undefined ? {} : { connections: { sendBudgetBytes: budget, stuckCloseMs: 3_600_000 } }),
  });
  process.on("message", (seed: Seed) => {
    void (async () => {
      await store.createConversation({
        id: seed.conversationId,
        kind: "group",
        createdAt: 1,
        creatorAddress: seed.address,
        creatorDeviceId: seed.deviceId,
        groupInfo: new Uint8Array([1]),
      });
      for (let i = 0; i < PAGE_MESSAGES; i++)
        await store.appendMessage({
          conversationId: seed.conversationId,
          senderDeviceId: seed.deviceId,
          senderAddress: seed.address,
          clientMessageId: `m${i}`,
          payload: new Uint8Array(MESSAGE_BYTES).fill(i),
          epoch: 0,
          serverTime: 2,
        });
      process.send!({ seeded: seed.conversationId });
    })();
  });
  process.send!({ url: hub.url });
}

async function register(url: string, handle: string): Promise<{ client: RawClient; seed: Seed }> {
  const client = await RawClient.connect(url);
  const challenge = await client.hello();
  const keys = newKeys();
  const answer = await client.request(
    {
      case: "register",
      value: {
        address: `${handle}@instagram`,
        displayName: handle,
        signatureKey: keys.publicKey,
        signature: sign(keys.privateKey, challenge),
      },
    },
    1n,
  );
  if (answer.result.case !== "register") throw new Error(`register ${handle}: ${answer.result.case}`);
  const conversationId = Buffer.from(handle.padEnd(16, "0")).toString("hex").slice(0, 32);
  return {
    client,
    seed: { deviceId: answer.result.value.deviceId, address: answer.result.value.address, conversationId },
  };
}

async function rssBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("process_resident_memory_bytes "));
  return Number(line?.split(" ")[1] ?? NaN);
}

async function healthzMs(url: string): Promise<number> {
  const start = performance.now();
  await (await fetch(`${url}/healthz`)).text();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) =>
    Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
  const clients = arg("clients", 10);
  const fetches = arg("fetches", 400);
  const dir = mkdtempSync(join(tmpdir(), "switchboard-slow-"));
  const budget = process.argv.find((a) => a.startsWith("--budget="))?.split("=")[1];
  const child = fork(fileURLToPath(import.meta.url), ["--hub", dir, ...(budget ? [budget] : [])], {
    execArgv: ["--import", "tsx"],
  });
  try {
    const url = await new Promise<string>((resolve) =>
      child.once("message", (m: { url: string }) => resolve(m.url)),
    );
    const normal = await register(url, "normal");
    const idle = await rssBytes(url);
    const attackers = [];
    for (let i = 0; i < clients; i++) {
      const a = await register(url, `slow${i}`);
      const seeded = new Promise((resolve) => child.once("message", resolve));
      child.send(a.seed);
      await seeded;
      attackers.push(a);
    }
    const afterSeed = await rssBytes(url);
    for (const a of attackers) {
      a.client.stopReading();
      for (let i = 0; i < fetches; i++)
        a.client.send(
          requestFrame(BigInt(100 + i), {
            case: "fetch",
            value: { conversationId: a.seed.conversationId, afterSeq: 0n, limit: 0 },
          }),
        );
    }
    let peak = afterSeed;
    const health: number[] = [];
    let pings = 0;
    const until = Date.now() + 10_000;
    for (let id = 10n; Date.now() < until; id++) {
      peak = Math.max(peak, await rssBytes(url));
      health.push(await healthzMs(url));
      const pong = await normal.client.request({ case: "ping", value: {} }, id);
      if (pong.result.case === "ping") pings++;
      await new Promise((r) => setTimeout(r, 100));
    }
    health.sort((a, b) => a - b);
    const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
    console.log(
      `slow consumers: ${clients}, fetches each: ${fetches} (pages of ~${PAGE_MESSAGES * 200} KiB stored)`,
    );
    console.log(`hub RSS idle ${mib(idle)}, after seeding ${mib(afterSeed)}, peak under attack ${mib(peak)}`);
    console.log(
      `/healthz during the attack: median ${health[health.length >> 1]!.toFixed(1)} ms, max ${health.at(-1)!.toFixed(1)} ms`,
    );
    console.log(`normal client pings answered: ${pings}/${health.length}`);
    for (const a of attackers) a.client.close();
    normal.client.close();
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--hub")
  await hubMain(process.argv[3]!, process.argv[4] === undefined ? undefined : Number(process.argv[4]));
else await main();
