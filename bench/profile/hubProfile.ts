/**
 * After a profiled run (`npm run bench -- --profile`), cut the hub's CPU
 * profile to each scenario's saturation windows (and, named `<name>-at-50`,
 * its windows at the headline load of 50%) and write the summary next to the
 * results, so the findings name functions measured under load, not start-up
 * or fixture set-up.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeProfile, type TimeWindow } from "./cpuProfile.js";

/** The main-thread profile node wrote for `pid` (thread 0; tsx's loader thread is another file). */
export function findProfile(dir: string, pid: number): string | undefined {
  const name = readdirSync(dir).find((f) => f.includes(`.${pid}.0.`) && f.endsWith(".cpuprofile"));
  return name && join(dir, name);
}

export function writeProfileSummaries(
  dir: string,
  pid: number,
  windows: Map<string, TimeWindow[]>,
  progress: (m: string) => void,
): void {
  const file = findProfile(dir, pid);
  if (!file) return progress(`no CPU profile for pid ${pid} in ${dir}`);
  for (const [name, w] of windows) {
    const out = join(dir, `${name}-hub-profile.txt`);
    writeFileSync(
      out,
      `${name}: the hub over ${w.length} measured window${w.length === 1 ? "" : "s"}\nprofile: ${file}\n\n${describeProfile(file, w, 40)}\n`,
    );
    progress(`profile summary: ${out}`);
  }
}
