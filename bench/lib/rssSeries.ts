/**
 * A few RSS readings of a process over time. One reading can land just
 * before or after a GC or an allocator trim, so a figure is the median of a
 * series (and the spread is reported with it); nothing assumes a GC has run.
 */
import { sleep } from "./deadline.js";
import { sampleProcess } from "./hubProcess.js";
import { median } from "./stats.js";

export interface RssSeries {
  medianBytes: number;
  minBytes: number;
  maxBytes: number;
}

export async function rssSeries(pid: number, samples: number, intervalMs: number): Promise<RssSeries> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(intervalMs);
    values.push(sampleProcess(pid).rssBytes);
  }
  return { medianBytes: median(values), minBytes: Math.min(...values), maxBytes: Math.max(...values) };
}
