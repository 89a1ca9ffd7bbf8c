/**
 * Group fan-out: one sender per group of 10 or 100 member devices; the hub
 * writes each message once and pushes it to every other member. Reported as
 * deliveries per second (and messages per second); the target is at
 * least the direct-chat figure in deliveries (checked by the runner). The
 * baseline forwarder sends each frame to the group's N-1 receiver sockets.
 */
import { join } from "node:path";
import { startForwarder } from "../baseline/process.js";
import { startHubProcess } from "../lib/hubProcess.js";
import { writeProfileSummaries } from "../profile/hubProfile.js";
import type { TimeWindow } from "../profile/cpuProfile.js";
import { phaseTimings, runScenario, type Scenario } from "./throughput.js";
import type { Workload, WorkloadResult } from "./types.js";

export const run: Workload = async (ctx) => {
  const quick = ctx.quick;
  const base = {
    ...phaseTimings(quick),
    payloadBytes: 256,
    fractions: [0.5],
    workers: ctx.workers ?? 1,
  } satisfies Omit<Scenario, "name" | "conversations" | "membersPerConversation" | "window">;
  const scenarios: Scenario[] = [
    { ...base, name: "group-10", conversations: quick ? 4 : 16, membersPerConversation: 10, window: 16 },
  ];
  // Making a 100-device group through the SDK takes ~8 s: too long for --quick.
  if (!quick) {
    scenarios.push({ ...base, name: "group-100", conversations: 2, membersPerConversation: 100, window: 32 });
  }
  const hub = await startHubProcess(join(ctx.scratch, "fanout.db"));
  const baseline = await startForwarder();
  const results: WorkloadResult[] = [];
  const windows = new Map<string, TimeWindow[]>();
  try {
    for (const s of scenarios) {
      const r = await runScenario(ctx, { hub, baseline }, s);
      results.push(...r.results);
      windows.set(s.name, r.hubSaturationWindows);
    }
  } finally {
    await hub.stop();
    await baseline.stop();
  }
  if (ctx.profileDir) writeProfileSummaries(ctx.profileDir, hub.pid, windows, (m) => ctx.progress(m));
  return results;
};
