/**
 * Group fan-out: one sender per group of 10 or 100 member devices; the hub
 * writes each message once and pushes it to every other member. Reported as
 * deliveries per second (and messages per second); the target is at
 * least the direct-chat figure in deliveries (checked by the runner). The
 * baseline forwarder sends each frame to the group's N-1 receiver sockets.
 */
import { phaseTimings, runScenarios, type Scenario } from "./throughput.js";
import type { Workload } from "./types.js";

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
  return runScenarios(ctx, "fanout.db", scenarios);
};
