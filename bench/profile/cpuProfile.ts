/**
 * Cuts a V8 .cpuprofile (from `node --cpu-prof`) to time windows, so the
 * findings in bench/README.md name where the hub's time goes under load and
 * not during start-up or fixture set-up, and totals self time per area (a
 * package, or a folder of ours). Per-function figures come from
 * bench/lib/cpuProfileTop.ts.
 *
 *   node --import tsx bench/profile/cpuProfile.ts FILE [TOP] [FROM_US TO_US]
 */
import { readFileSync } from "node:fs";
import { summarize, type Row } from "../lib/cpuProfileTop.js";
import { isMain } from "../lib/standalone.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface TimeWindow {
  /** Monotonic µs, the clock V8 stamps samples with (CLOCK_MONOTONIC on Linux). */
  from: number;
  to: number;
}

/** Now, on the profile's clock. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Only the samples taken inside `windows`; the rest of the profile as it is. */
export function cutProfile(profile: CpuProfile, windows: TimeWindow[]): CpuProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (!windows.some((w) => t >= w.from && t < w.to)) return;
    samples.push(id);
    timeDeltas.push(dt);
  });
  return { ...profile, samples, timeDeltas };
}

/** Where a script lives, coarsely: a package, a folder of ours, node itself, or V8's own entries. */
function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName.startsWith("(")) return functionName;
  if (url === "") return "(native)";
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return mod[1]!;
  const ours = /packages\/([^/]+)\/src\/([^/]+)/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]!.replace(/\.ts$/, "")}`;
  return url.startsWith("node:") ? url : url.replace(/^.*\//, "");
}

export function selfTimeByArea(profile: CpuProfile): Row[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    busy += ms;
    areas.set(areaOf(node), (areas.get(areaOf(node)) ?? 0) + ms);
  });
  return [...areas].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms, share: ms / busy }));
}

export function describeProfile(file: string, windows: TimeWindow[] | undefined, top: number): string {
  const whole = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const profile = windows ? cutProfile(whole, windows) : whole;
  const wallMs = profile.timeDeltas.reduce((n, dt) => n + dt, 0) / 1000;
  const summary = summarize(profile, top);
  const line = (r: Row) =>
    `  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`;
  return [
    `main thread busy ${summary.busyMs.toFixed(0)} ms of ${wallMs.toFixed(0)} ms sampled ` +
      `(${((summary.busyMs / Math.max(1, wallMs)) * 100).toFixed(0)}%); shares below are of busy time`,
    "",
    "self time by area:",
    ...selfTimeByArea(profile).slice(0, top).map(line),
    "",
    "self time by function:",
    ...summary.self.map(line),
    "",
    "total (inclusive) time by function:",
    ...summary.total.map(line),
  ].join("\n");
}

if (isMain(import.meta.url)) {
  const [file, top, from, to] = process.argv.slice(2);
  if (!file) throw new Error("usage: cpuProfile.ts FILE.cpuprofile [TOP] [FROM_US TO_US]");
  const windows = from && to ? [{ from: Number(from), to: Number(to) }] : undefined;
  console.log(describeProfile(file, windows, Number(top ?? 30)));
}
