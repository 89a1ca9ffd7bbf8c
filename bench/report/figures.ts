/**
 * What the runner adds to workload results: each figure's ratio to the same
 * figure of the same workload's baseline, and the targets that compare one
 * workload with another (fan-out deliveries against direct-chat messages).
 */
import type { Figure, WorkloadResult } from "../workloads/types.js";

export const BASELINE_SYSTEM = "baseline-ws";
/** Figures whose ratio to the baseline says nothing (sizes, ratios already). */
const NO_RATIO_UNITS = new Set(["B", "x"]);

export function isMet(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  return f.target.op === "<=" ? f.value <= f.target.value : f.value >= f.target.value;
}

export function baselineOf(r: WorkloadResult, all: WorkloadResult[]): WorkloadResult | undefined {
  if (r.system === BASELINE_SYSTEM) return undefined;
  return all.find((b) => b.name === r.name && b.system === BASELINE_SYSTEM);
}

export function addBaselineRatios(results: WorkloadResult[]): void {
  for (const r of results) {
    const base = baselineOf(r, results);
    if (!base) continue;
    for (const f of r.figures) {
      if (NO_RATIO_UNITS.has(f.unit)) continue;
      const b = base.figures.find((x) => x.name === f.name);
      if (b && b.value !== 0) f.vsBaseline = f.value / b.value;
    }
  }
}

/**
 * The issue: group fan-out deliveries per second at least equal to the
 * direct-chat figure (same ciphertext size, measured earlier in this run).
 */
export function addFanoutTargets(results: WorkloadResult[], earlier: WorkloadResult[]): void {
  const direct = earlier.find((r) => r.name === "direct-256" && r.system === "sqlite");
  const directRate = direct?.figures.find((f) => f.name === "saturation")?.value;
  if (directRate === undefined) return;
  for (const r of results) {
    if (!r.name.startsWith("group-") || r.system !== "sqlite") continue;
    const deliveries = r.figures.find((f) => f.name === "saturation deliveries");
    if (!deliveries) continue;
    r.figures.push({
      name: "deliveries vs direct-256 msg/s",
      value: deliveries.value / directRate,
      unit: "x",
      target: { op: ">=", value: 1 },
    });
  }
}
