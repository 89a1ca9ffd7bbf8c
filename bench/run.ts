/**
 * `npm run bench`: every benchmark workload in turn, each starting what it
 * needs (hub, baseline forwarder, load generator processes) and stopping it.
 *
 *   npm run bench                        full run (under 15 minutes on 2 cores)
 *   npm run bench -- --quick             short phases, small sizes (under 2 minutes)
 *   npm run bench -- --only=direct,fanout
 *   npm run bench -- --workers=2         load generator processes per system (default 1)
 *   npm run bench -- --profile           hubs under --cpu-prof; summaries in <out>/profiles
 *   npm run bench -- --out=DIR           results directory (default bench/results)
 *   npm run bench -- --wait-quiet=300    before each workload, wait up to 300 s for other
 *                                        processes to leave the CPU (a shared machine)
 *
 * Prints progress while it runs and a table at the end; writes
 * <out>/<workload>.json, <out>/latency.svg and <out>/summary.md.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { addBaselineRatios, addFanoutTargets } from "./report/figures.js";
import { writeSummaries, writeWorkloadFile } from "./report/files.js";
import { describeMachine, machineInfo } from "./report/machine.js";
import { busyCores, machineTicks } from "./lib/machineCpu.js";
import { formatTable } from "./report/table.js";
import type { BenchContext, Workload, WorkloadResult } from "./workloads/types.js";

/** In running order. The optional ones are written separately and may not exist yet. */
const WORKLOADS = [
  { name: "direct", file: "directChats.ts" },
  { name: "fanout", file: "fanout.ts" },
  { name: "backlog", file: "backlog.ts" },
  { name: "connections", file: "connections.ts" },
  { name: "reconnectStorm", file: "reconnectStorm.ts" },
  { name: "mls", file: "mlsClient.ts" },
  { name: "scaleOut", file: "scaleOut.ts" },
];
const ORDER = WORKLOADS.map((w) => w.name);

function flag(name: string): string | undefined {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : (arg.split("=")[1] ?? "");
}

const quick = flag("quick") !== undefined;
const profile = flag("profile") !== undefined;
const only = flag("only")
  ?.split(",")
  .filter((n) => n !== "");
const workers = Number(flag("workers") ?? 1);
const waitQuiet = Number(flag("wait-quiet") ?? 0);
const here = fileURLToPath(new URL(".", import.meta.url));
const out = resolve(flag("out") ?? join(here, profile ? "results/profiled" : "results"));

const unknown = only?.filter((n) => !ORDER.includes(n)) ?? [];
if (unknown.length > 0)
  throw new Error(`--only: no workload ${unknown.join(", ")} (have ${ORDER.join(", ")})`);
if (!Number.isInteger(workers) || workers < 1) throw new Error("--workers must be a positive integer");

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s`;
const progress = (message: string) => console.log(`[${elapsed()}] ${message}`);

const machine = await machineInfo();
progress(`${describeMachine(machine)}; results to ${out}${quick ? "; quick" : ""}`);
if (machine.busyCores > 0.3) {
  progress(`WARNING: ${machine.busyCores.toFixed(1)} cores were busy before the run; figures will be noisy`);
}
mkdirSync(out, { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
const profileDir = join(out, "profiles");
if (profile) {
  mkdirSync(profileDir, { recursive: true });
  // Read by startHubProcess (bench/lib/hubProcess.ts) for every hub a workload starts;
  // flags already given (an experiment's V8 options) are kept.
  process.env.BENCH_HUB_NODE_FLAGS = `${process.env.BENCH_HUB_NODE_FLAGS ?? ""} --cpu-prof --cpu-prof-dir=${profileDir}`;
}
const ctx: BenchContext = { quick, scratch, progress, workers, ...(profile ? { profileDir } : {}) };

/** Other processes below this many cores count as quiet. */
const QUIET_CORES = 0.2;

async function untilQuiet(maxSeconds: number): Promise<void> {
  const deadline = performance.now() + maxSeconds * 1000;
  for (let said = false; ; said = true) {
    const before = machineTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = busyCores(before, machineTicks());
    if (busy < QUIET_CORES) return;
    if (performance.now() > deadline) return progress(`still ${busy.toFixed(1)} cores busy; going on anyway`);
    if (!said) progress(`waiting for the machine to be quiet (${busy.toFixed(1)} cores busy elsewhere)`);
  }
}

const all: WorkloadResult[] = [];
const failed: string[] = [];
try {
  for (const w of WORKLOADS) {
    if (only && !only.includes(w.name)) continue;
    const path = join(here, "workloads", w.file);
    if (!existsSync(path)) {
      progress(`${w.name}: skipped (bench/workloads/${w.file} does not exist yet)`);
      continue;
    }
    if (waitQuiet > 0) await untilQuiet(waitQuiet);
    progress(`${w.name}: starting`);
    const t0 = performance.now();
    let results: WorkloadResult[] = [];
    let error: string | undefined;
    try {
      const { run } = (await import(pathToFileURL(path).href)) as { run: Workload };
      results = await run(ctx);
    } catch (err) {
      error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      failed.push(w.name);
      progress(`${w.name}: FAILED: ${error}`);
    }
    addBaselineRatios(results);
    addFanoutTargets(results, all);
    all.push(...results);
    const durationSeconds = (performance.now() - t0) / 1000;
    const file = writeWorkloadFile(out, {
      workload: w.name,
      quick,
      machine,
      durationSeconds,
      results,
      ...(error !== undefined ? { error } : {}),
    });
    progress(`${w.name}: done in ${durationSeconds.toFixed(0)} s -> ${file}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

for (const path of writeSummaries(out, ORDER)) progress(`wrote ${path}`);
console.log(`\n${formatTable(all)}\n`);
console.log(`${describeMachine(machine)}; total ${elapsed().trim()}`);
if (failed.length > 0) {
  console.log(`FAILED: ${failed.join(", ")}`);
  process.exitCode = 1;
}
