/**
 * The table printed at the end of a run (and pasted into bench/README.md):
 * one row per figure of each system under test, with the baseline's value
 * and the ratio beside it, and the target when there is one.
 */
import type { Figure, WorkloadResult } from "../workloads/types.js";
import { BASELINE_SYSTEM, baselineOf, isMet } from "./figures.js";

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return "-";
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString("en-US");
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function targetText(f: Figure): string {
  return f.target ? `${f.target.op} ${formatNumber(f.target.value)}` : "";
}

function metText(f: Figure): string {
  const met = isMet(f);
  return met === undefined ? "" : met ? "yes" : "NO";
}

const HEADER = ["workload", "system", "figure", "value", "unit", "baseline-ws", "ratio", "target", "met"];

export function tableRows(results: WorkloadResult[]): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    if (r.system === BASELINE_SYSTEM && results.some((x) => baselineOf(x, results) === r)) continue;
    const base = baselineOf(r, results);
    for (const f of r.figures) {
      const b = base?.figures.find((x) => x.name === f.name);
      rows.push([
        r.name,
        r.system,
        f.name,
        formatNumber(f.value),
        f.unit,
        b ? formatNumber(b.value) : "",
        f.vsBaseline !== undefined ? `${f.vsBaseline.toFixed(2)}x` : "",
        targetText(f),
        metText(f),
      ]);
    }
  }
  return rows;
}

/** Fixed-width text, for the terminal. */
export function formatTable(results: WorkloadResult[]): string {
  const rows = [HEADER, ...tableRows(results)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const numeric = new Set([3, 5, 6]);
  return rows
    .map((r) =>
      r.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  "),
    )
    .join("\n");
}

/** A Markdown table, for the README. */
export function formatMarkdown(results: WorkloadResult[]): string {
  const rows = tableRows(results);
  return [
    `| ${HEADER.join(" | ")} |`,
    `| ${HEADER.map((_, i) => ([3, 5, 6].includes(i) ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}
