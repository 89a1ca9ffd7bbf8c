/**
 * The machine a run was measured on, saved with every result file: figures
 * from a shared 2-core VM mean little without it. `busyCores` is how much
 * CPU other processes were using just before the run started, a warning sign
 * for noisy numbers.
 */
import { execFileSync } from "node:child_process";
import { cpus, release, totalmem } from "node:os";
import { busyCores, machineTicks } from "../lib/machineCpu.js";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  date: string;
  /** CPU in use by anything else over one second before the run, in cores. */
  busyCores: number;
  /** The code measured: HEAD, and whether packages/ had uncommitted changes (others work in this tree). */
  commit?: string;
  packagesDirty?: boolean;
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const before = machineTicks();
  await new Promise((r) => setTimeout(r, 1000));
  const after = machineTicks();
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    date: new Date().toISOString(),
    busyCores: busyCores(before, after),
    commit: git(["rev-parse", "--short", "HEAD"]) || "unknown",
    packagesDirty: git(["status", "--porcelain", "--", "packages"]) !== "",
  };
}

export function describeMachine(m: MachineInfo): string {
  const code =
    m.commit === undefined ? "" : `, code ${m.commit}${m.packagesDirty ? " + uncommitted changes" : ""}`;
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, node ${m.node}, ${m.date}${code}`;
}
