/**
 * Reconnect storm (issue 3, workload 5): 10,000 devices (2,000 with --quick),
 * each a member of a direct conversation with new messages waiting, all
 * reconnect at the same moment and sync as the SDK does on login: log in,
 * read the inbox, list conversations, fetch after the cursor, acknowledge.
 * Figures: time until every device has synced, p50/p99 per device, errors,
 * hub CPU and peak RSS.
 *
 * Set-up, and why this one: the devices are paired 1:1 in 5,000 direct
 * conversations built with the real MLS engine straight over the wire
 * (bench/lib/directPair.ts: real epoch-0 GroupInfo, a real Add commit with
 * its Welcome and new GroupInfo, a real join from the Welcome, real
 * application messages from both sides). Going through the SDK
 * (bench/lib/fixtures.ts) costs a dozen sequential round trips and key
 * package uploads per device and would take many minutes for 10,000; fewer
 * conversations with many member devices each would change what is measured
 * (one log read by thousands instead of thousands of small logs, and one
 * 10,000-leaf GroupInfo is past the hub's 768 KiB handshake limit). Direct
 * pairs are the common case and keep every stored byte real. The set-up runs
 * in the load processes, in parallel, and its time is reported.
 *
 * Each device ends the set-up with an empty inbox, its cursor on the Add
 * commit and 2 x MESSAGES entries after it (the peer's and its own, which the
 * SDK fetches and skips).
 *
 * Then the hub restarts on the same database, the usual cause of a storm (a
 * deploy, a crash), and every device reconnects at once to the fresh
 * process: its CPU, RSS and any --cpu-prof profile are the storm's alone.
 */
import { join } from "node:path";
import { sleep } from "../lib/deadline.js";
import { measureProcess, sampleProcess, startHubProcess, type ServerProcess } from "../lib/hubProcess.js";
import { listenOverflows } from "../lib/listenOverflows.js";
import { watchOtherLoad } from "../lib/otherLoad.js";
import { forkLoadProcesses, progressSum } from "../lib/loadProcesses.js";
import type { ReconnectStormCommands } from "../lib/reconnectStormWorker.js";
import { percentile } from "../lib/stats.js";
import { monotonicMicros, type TimeWindow } from "../profile/cpuProfile.js";
import { writeProfileSummaries } from "../profile/hubProfile.js";
import { isMain, runStandalone } from "../lib/standalone.js";
import type { BenchContext, Figure, Workload, WorkloadResult } from "./types.js";

/**
 * At least two load processes (or the runner's --workers, if more): the MLS
 * set-up is CPU work that both cores can share, and 5,000 sockets each.
 */
const MIN_LOAD_PROCESSES = 2;
/** Pairs in set-up per load process at a time: enough to keep the hub and the crypto busy. */
const SETUP_CONCURRENCY = 64;
const MESSAGES = 2;
/** Time for every load process to get the start message before the storm. */
const START_DELAY_MS = 1_000;
const MiB = 1024 * 1024;

export async function runReconnectStorm(
  ctx: BenchContext,
  options: { devices: number },
): Promise<WorkloadResult[]> {
  const pairs = Math.floor(options.devices / 2);
  const db = join(ctx.scratch, "storm.db");
  const processes = Math.max(MIN_LOAD_PROCESSES, ctx.workers ?? 1);
  let stormWindow: TimeWindow | undefined;
  const setupHub = await startHubProcess(db);
  let hub: ServerProcess | undefined;
  const loads = forkLoadProcesses<ReconnectStormCommands>(
    new URL("../lib/reconnectStormWorker.ts", import.meta.url),
    processes,
  );
  try {
    const setupProgress = progressSum(processes, (n) =>
      ctx.progress(`storm: set up ${n}/${pairs} direct pairs`),
    );
    const setupStarted = performance.now();
    const setups = await Promise.all(
      loads.map((p, i) =>
        p.call(
          "setup",
          {
            server: setupHub.url,
            prefix: `rs${i}n`,
            pairs: Math.floor(pairs / processes) + (i < pairs % processes ? 1 : 0),
            messages: MESSAGES,
            concurrency: SETUP_CONCURRENCY,
          },
          setupProgress(i),
        ),
      ),
    );
    const setupMs = performance.now() - setupStarted;
    const made = setups.reduce((n, s) => n + s.pairs, 0);
    await setupHub.stop();
    hub = await startHubProcess(db);
    const { pid, url } = hub;
    await sleep(1_000);

    ctx.progress(`storm: ${made * 2} devices reconnect at once`);
    const startAt = performance.timeOrigin + performance.now() + START_DELAY_MS;
    const overflowsBefore = listenOverflows();
    const loadCpuBefore = loads.map((p) => sampleProcess(p.pid).cpuMs);
    const stormStarted = performance.now();
    const stormFrom = monotonicMicros();
    const others = watchOtherLoad(() => [pid, ...loads.map((p) => p.pid)]);
    const storm = await measureProcess(pid, async () => {
      await sleep(START_DELAY_MS);
      return Promise.all(
        loads.map((p) => p.call("storm", { server: url, startAt, expectEntries: 2 * MESSAGES })),
      );
    });
    const stormMs = performance.now() - stormStarted;
    stormWindow = { from: stormFrom, to: monotonicMicros() };
    const othersCores = others();
    const loadCores = loads.reduce(
      (n, p, i) => n + (sampleProcess(p.pid).cpuMs - loadCpuBefore[i]!) / stormMs,
      0,
    );
    const overflows = listenOverflows() - overflowsBefore;
    await Promise.all(loads.map((p) => p.call("close", {})));

    const synced = storm.result.flatMap((o) => o.syncedMs).sort((a, b) => a - b);
    const loggedIn = storm.result.flatMap((o) => o.loggedInMs).sort((a, b) => a - b);
    const errors = storm.result.reduce((n, o) => n + o.errors, 0);
    const wrong = storm.result.reduce((n, o) => n + o.wrongCount, 0);
    const allSyncedS = (synced.at(-1) ?? NaN) / 1000;
    const figures: Figure[] = [
      { name: "devices reconnecting", value: made * 2, unit: "count" },
      { name: "devices synced", value: synced.length, unit: "count", target: { op: ">=", value: made * 2 } },
      {
        name: "errors (failed or wrong entry count)",
        value: errors + wrong,
        unit: "count",
        target: { op: "<=", value: 0 },
      },
      { name: "time until all synced", value: allSyncedS, unit: "s" },
      { name: "synced devices/s", value: synced.length / allSyncedS, unit: "1/s" },
      { name: "time-to-synced p50", value: percentile(synced, 50), unit: "ms" },
      { name: "time-to-synced p99", value: percentile(synced, 99), unit: "ms" },
      { name: "time-to-logged-in p50", value: percentile(loggedIn, 50), unit: "ms" },
      { name: "time-to-logged-in p99", value: percentile(loggedIn, 99), unit: "ms" },
      { name: "listen queue overflows (kernel, machine-wide)", value: overflows, unit: "count" },
      { name: "storm: hub CPU", value: storm.cpuCores, unit: "cores" },
      // CPU time per device is steadier than wall time when other work shares the machine.
      {
        name: "storm: hub CPU per synced device",
        value: (storm.cpuCores * stormMs) / Math.max(1, synced.length),
        unit: "ms",
      },
      { name: "storm: load processes CPU (sum)", value: loadCores, unit: "cores" },
      { name: "storm: hub peak RSS", value: storm.peakRssBytes / MiB, unit: "MiB" },
      { name: "storm: other processes' CPU (shared machine)", value: othersCores, unit: "cores" },
      { name: "set-up time (real MLS, pairs in parallel)", value: setupMs / 1000, unit: "s" },
      { name: "set-up: direct pairs/s", value: (made / setupMs) * 1000, unit: "1/s" },
    ];
    const notes = [
      `${made} direct pairs, ${MESSAGES} messages from each side waiting; ${processes} load processes`,
      `last connection attempt began ${Math.max(...storm.result.map((o) => o.lastStartMs)).toFixed(0)} ms after the start (load-generator lag)`,
      "the hub restarted after set-up; hub CPU is averaged over the storm window, which starts 1 s before the first connection",
    ];
    const setupErrors = setups.reduce((n, s) => n + s.errors, 0);
    if (setupErrors > 0)
      notes.push(`set-up errors: ${setupErrors} (${setups.find((s) => s.firstError)?.firstError})`);
    const firstError = storm.result.find((o) => o.firstError)?.firstError;
    if (firstError) notes.push(`first storm error: ${firstError}`);
    return [{ name: "reconnect-storm", system: "sqlite", figures, notes }];
  } finally {
    await Promise.all(loads.map((p) => p.stop()));
    await setupHub.stop();
    await hub?.stop();
    if (ctx.profileDir && hub && stormWindow)
      writeProfileSummaries(ctx.profileDir, hub.pid, new Map([["reconnect-storm", [stormWindow]]]), (m) =>
        ctx.progress(m),
      );
  }
}

export const run: Workload = (ctx) => runReconnectStorm(ctx, { devices: ctx.quick ? 2_000 : 10_000 });

if (isMain(import.meta.url)) {
  const flag = process.argv.find((a) => a.startsWith("--devices="))?.split("=")[1];
  const quick = process.argv.includes("--quick");
  await runStandalone((ctx) => runReconnectStorm(ctx, { devices: Number(flag ?? (quick ? 2_000 : 10_000)) }));
}
