/**
 * Run one workload on its own, for development:
 *   node --import tsx bench/workloads/<name>.ts [--quick] [--workers=N] [--profile=DIR] [--json]
 * Same context the runner gives (a scratch directory, progress lines), and the
 * figures printed as a table. --profile runs every hub under --cpu-prof into
 * DIR, where the workload writes summaries of its measured windows.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Figure, Workload } from "../workloads/types.js";

/** True when `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

function verdict(figure: Figure): string {
  if (!figure.target) return "";
  const { op, value } = figure.target;
  const met = op === "<=" ? figure.value <= value : figure.value >= value;
  return `${met ? "met" : "MISSED"} (${op} ${value})`;
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) >= 100 ? 0 : 2);
}

function flag(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

export async function runStandalone(workload: Workload): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "switchboard-bench-"));
  const started = performance.now();
  const profileDir = flag("profile");
  if (profileDir !== undefined) {
    mkdirSync(profileDir, { recursive: true });
    // Read by startHubProcess (bench/lib/hubProcess.ts), as under the runner's --profile;
    // flags already there (an experiment's --import) are kept.
    process.env.BENCH_HUB_NODE_FLAGS = `${process.env.BENCH_HUB_NODE_FLAGS ?? ""} --cpu-prof --cpu-prof-dir=${profileDir}`;
  }
  const workers = flag("workers");
  try {
    const results = await workload({
      quick: process.argv.includes("--quick"),
      scratch,
      ...(workers !== undefined ? { workers: Number(workers) } : {}),
      ...(profileDir !== undefined ? { profileDir } : {}),
      progress: (message) =>
        process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`),
    });
    for (const result of results) {
      console.log(`\n${result.name} (${result.system})`);
      for (const f of result.figures)
        console.log(
          `  ${f.name.padEnd(44)} ${format(f.value).padStart(12)} ${f.unit.padEnd(8)} ${verdict(f)}`,
        );
      for (const note of result.notes ?? []) console.log(`  note: ${note}`);
    }
    if (process.argv.includes("--json")) console.log(JSON.stringify(results, null, 2));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
