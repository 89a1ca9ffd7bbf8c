/**
 * The top functions of a V8 .cpuprofile (from the hub run with --cpu-prof),
 * by self time and by total (inclusive) time, and self time per source file:
 *   node --import tsx bench/lib/cpuProfileTop.ts <file.cpuprofile> [count]
 * Idle time is left out of the percentages, so they are shares of busy CPU.
 */
import { readFileSync } from "node:fs";
import { isMain } from "./standalone.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  ms: number;
  share: number;
}

const IDLE = new Set(["(idle)", "(root)"]);

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules|packages)\//, "$1/").replace(/^file:\/\//, "");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

export function summarize(
  profile: Profile,
  count: number,
): { busyMs: number; self: Row[]; total: Row[]; files: Row[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName)) return;
    busy += ms;
    self.set(label(node), (self.get(label(node)) ?? 0) + ms);
    const file = label(node).split(" ")[1]?.replace(/:\d+$/, "") ?? "(native)";
    files.set(file, (files.get(file) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!);
      if (!seen.has(name)) total.set(name, (total.get(name) ?? 0) + ms);
      seen.add(name);
    }
  });
  const top = (m: Map<string, number>) =>
    [...m]
      .filter(([name]) => !IDLE.has(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, ms]) => ({ name, ms, share: ms / busy }));
  return { busyMs: busy, self: top(self), total: top(total), files: top(files) };
}

if (isMain(import.meta.url)) {
  const [file, n] = process.argv.slice(2);
  const summary = summarize(JSON.parse(readFileSync(file!, "utf8")) as Profile, Number(n ?? 25));
  const print = (title: string, rows: Row[]) => {
    console.log(`\n${title}`);
    for (const r of rows)
      console.log(
        `  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`,
      );
  };
  console.log(`busy CPU: ${summary.busyMs.toFixed(0)} ms`);
  print("self time", summary.self);
  print("total time", summary.total);
  print("self time by file", summary.files);
}
