/**
 * Direct chats: pairs of devices, each message durable before it is
 * acknowledged (SQLite, synchronous=FULL), with ~256 B and ~2 KiB
 * ciphertexts. The same load, paced and measured by the same code, also goes
 * through the raw `ws` forwarder, the baseline every hub figure is read
 * against; the target is at least 60% of its messages per second.
 */
import { phaseTimings, runScenarios, type Scenario } from "./throughput.js";
import type { Workload } from "./types.js";

export const run: Workload = async (ctx) => {
  const quick = ctx.quick;
  const base = {
    ...phaseTimings(quick),
    // 32 pairs x 64 in flight: batches of hundreds per group commit; a larger
    // window only adds queueing (bench/README.md, "Choosing the load").
    conversations: quick ? 16 : 32,
    membersPerConversation: 2,
    window: 64,
    fractions: quick ? [0.5] : [0.1, 0.25, 0.5, 0.75, 0.9],
    workers: ctx.workers ?? 1,
    ratioTarget: 0.6,
  } satisfies Omit<Scenario, "name" | "payloadBytes">;
  const scenarios: Scenario[] = [
    { ...base, name: "direct-256", payloadBytes: 256 },
    { ...base, name: "direct-2048", payloadBytes: 2048 },
  ];
  return runScenarios(ctx, "direct.db", scenarios);
};
