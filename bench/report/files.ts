/**
 * Result files: bench/results/<workload>.json per workload (figures, curves,
 * notes and the machine), and from every such file in the directory the
 * latency chart (latency.svg) and the Markdown table (summary.md), so a run
 * with --only refreshes its workloads and the chart still shows the rest.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WorkloadResult } from "../workloads/types.js";
import { latencyChart } from "./chart.js";
import { describeMachine, type MachineInfo } from "./machine.js";
import { formatMarkdown } from "./table.js";

export interface WorkloadFile {
  workload: string;
  quick: boolean;
  machine: MachineInfo;
  durationSeconds: number;
  results: WorkloadResult[];
  /** Set when the workload failed; results may then be empty. */
  error?: string;
}

export function writeWorkloadFile(dir: string, file: WorkloadFile): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file.workload}.json`);
  writeFileSync(path, JSON.stringify(file, null, 2) + "\n");
  return path;
}

export function readWorkloadFiles(dir: string, order: string[]): WorkloadFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as WorkloadFile)
    .filter((f) => typeof f.workload === "string" && Array.isArray(f.results));
  const rank = (w: string) => (order.includes(w) ? order.indexOf(w) : order.length);
  return files.sort((a, b) => rank(a.workload) - rank(b.workload));
}

/** latency.svg and summary.md from every workload file in `dir`; returns the paths written. */
export function writeSummaries(dir: string, order: string[]): string[] {
  const files = readWorkloadFiles(dir, order);
  const results = files.flatMap((f) => f.results);
  const written: string[] = [];
  const svg = latencyChart(results);
  if (svg) {
    writeFileSync(join(dir, "latency.svg"), svg);
    written.push(join(dir, "latency.svg"));
  }
  const md = [
    "# Benchmark results",
    "",
    ...files.map(
      (f) =>
        `- ${f.workload}: ${f.quick ? "quick" : "full"} run, ${f.durationSeconds.toFixed(0)} s, ${describeMachine(f.machine)}` +
        (f.error ? ` — FAILED: ${f.error.split("\n")[0]}` : ""),
    ),
    "",
    formatMarkdown(results),
    "",
    ...files.flatMap((f) =>
      f.results.flatMap((r) => (r.notes ?? []).map((n) => `- ${r.name} (${r.system}): ${n}`)),
    ),
    "",
  ].join("\n");
  writeFileSync(join(dir, "summary.md"), md);
  written.push(join(dir, "summary.md"));
  return written;
}
