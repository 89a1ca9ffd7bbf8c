/**
 * CPU in use on the whole machine, from /proc/stat (Linux), so a phase can
 * tell how much went to processes other than the system under test and the
 * load generator: on a shared machine that is the noise in the figures.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

export interface CpuTicks {
  busy: number;
  total: number;
}

export function machineTicks(): CpuTicks {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: fields.reduce((a, b) => a + b, 0) - idle, total: fields.reduce((a, b) => a + b, 0) };
}

/** Cores busy between two readings. */
export function busyCores(before: CpuTicks, after: CpuTicks): number {
  return ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * cpus().length;
}
