/**
 * One message-throughput scenario, run the same way on the hub and on the
 * baseline forwarder: make real conversations on the hub, connect a load
 * generator to each system, find each one's saturation, then measure latency
 * at fractions of it. Used by directChats.ts and fanout.ts.
 */
import { join } from "node:path";
import { startForwarder } from "../baseline/process.js";
import { makeConversations, type BenchConversation } from "../lib/fixtures.js";
import { benchHubConfigArgs } from "../lib/benchHubConfig.js";
import { startHubProcess, type ServerProcess } from "../lib/hubProcess.js";
import type { TimeWindow } from "../profile/cpuProfile.js";
import { writeProfileSummaries } from "../profile/hubProfile.js";
import type { PhaseTiming, SystemKind } from "../loadgen/messages.js";
import { LoadGenerator } from "../loadgen/pool.js";
import {
  HEADLINE_FRACTION,
  NOISY_CORES,
  fmt,
  measureLatencyCurve,
  measureSaturation,
  toLatencyPoint,
  type LoadPoint,
  type Saturation,
  type SystemUnderTest,
} from "../loadgen/procedures.js";
import type { BenchContext, Figure, WorkloadResult } from "./types.js";

export const HUB = "sqlite";
export const BASELINE = "baseline-ws";

export interface Scenario {
  /** Result name, e.g. "direct-256". */
  name: string;
  conversations: number;
  membersPerConversation: number;
  payloadBytes: number;
  /** Closed-loop window per sender when saturating. */
  window: number;
  repeats: number;
  saturationTiming: PhaseTiming;
  latencyTiming: PhaseTiming;
  /** Offered loads, as fractions of saturation; 0.5 is the headline. */
  fractions: number[];
  /** How often the headline (50%) point is measured; its figures are medians. */
  headlineRepeats: number;
  workers: number;
  /** The target for hub/baseline saturation, if any. */
  ratioTarget?: number;
  /** Targets for a hub's saturation over the first hub's (e.g. postgres x1 >= 0.5 x sqlite), by system. */
  referenceTargets?: Record<string, number>;
}

/**
 * Phase lengths. Full: long enough that a 5 s window holds ~100,000 messages
 * at the hub's saturation and repeats show the spread. Quick: the whole
 * `--quick` run, other workloads included, has to stay under two minutes.
 */
export function phaseTimings(
  quick: boolean,
): Pick<Scenario, "saturationTiming" | "latencyTiming" | "repeats" | "headlineRepeats"> {
  return quick
    ? {
        saturationTiming: { warmupMs: 400, measureMs: 1500, drainMs: 1500 },
        latencyTiming: { warmupMs: 400, measureMs: 1500, drainMs: 1500 },
        repeats: 1,
        headlineRepeats: 1,
      }
    : {
        saturationTiming: { warmupMs: 1000, measureMs: 5000, drainMs: 3000 },
        latencyTiming: { warmupMs: 1000, measureMs: 4000, drainMs: 3000 },
        repeats: 3,
        headlineRepeats: 3,
      };
}

/** A system under test as the load generator reaches it: one URL and one process per node. */
export interface SystemUnderLoad {
  /** As reported: "sqlite", "postgres+nats x2", "baseline-ws". */
  system: string;
  kind: SystemKind;
  urls: string[];
  pids: number[];
}

export function oneProcess(system: string, kind: SystemKind, server: ServerProcess): SystemUnderLoad {
  return { system, kind, urls: [server.url], pids: [server.pid] };
}

/** Where the first hub's profile of this scenario can be cut (monotonic µs): saturation, and the headline load. */
export interface ScenarioRun {
  results: WorkloadResult[];
  hubSaturationWindows: { from: number; to: number }[];
  hubHeadlineWindows: { from: number; to: number }[];
}

/**
 * Each hub system gets conversations of its own (made through its first
 * node); the baseline forwarder replays the first hub's. Saturation repeats
 * alternate between the systems, so drift hits them alike.
 */
export async function runScenario(
  ctx: BenchContext,
  systems: SystemUnderLoad[],
  s: Scenario,
): Promise<ScenarioRun> {
  const progress = (m: string) => ctx.progress(`${s.name}: ${m}`);
  const hubs = systems.filter((x) => x.kind === "hub");
  const plans = new Map<string, BenchConversation[]>();
  for (const [i, hub] of hubs.entries()) {
    progress(
      `making ${s.conversations} conversations of ${s.membersPerConversation} devices on ${hub.system} (real MLS)`,
    );
    plans.set(
      hub.system,
      await makeConversations(hub.urls[0]!, {
        conversations: s.conversations,
        membersPerConversation: s.membersPerConversation,
        payloadBytes: s.payloadBytes,
        // Handles allow a-z, 0-9, "." and "_" only.
        prefix: `${s.name.replace(/[^a-z0-9]/g, "_")}_${i}_`,
      }),
    );
  }
  const reference = hubs[0]!;
  const referencePlans = plans.get(reference.system)!;
  const ciphertextBytes = referencePlans[0]!.payloads[0]!.length;
  const receivers = s.membersPerConversation - 1;
  const generators: SystemUnderTest[] = [];
  try {
    for (const x of systems) {
      const generator = await LoadGenerator.start({
        system: x.kind,
        urls: x.urls,
        serverPids: x.pids,
        conversations: plans.get(x.system) ?? referencePlans,
        workers: s.workers,
      });
      generators.push({ system: x.system, generator, receivers });
    }
    progress(`${referencePlans.length * s.membersPerConversation} devices connected to each system`);
    const saturation = await measureSaturation(generators, {
      window: s.window,
      repeats: s.repeats,
      timing: s.saturationTiming,
      progress,
    });
    const curves = new Map<string, LoadPoint[]>();
    for (const g of generators) {
      const sat = saturation.get(g.system)!;
      curves.set(
        g.system,
        await measureLatencyCurve(g, sat.messagesPerSecond, {
          fractions: s.fractions,
          headlineRepeats: s.headlineRepeats,
          timing: s.latencyTiming,
          progress,
        }),
      );
    }
    const base = saturation.get(BASELINE);
    const ref = saturation.get(reference.system)!;
    for (const hub of hubs) {
      const sat = saturation.get(hub.system)!;
      progress(
        `${hub.system} ${fmt(sat.messagesPerSecond)} msg/s` +
          (base ? ` = ${(sat.messagesPerSecond / base.messagesPerSecond).toFixed(2)}x baseline` : "") +
          (hub !== reference
            ? ` = ${(sat.messagesPerSecond / ref.messagesPerSecond).toFixed(2)}x ${reference.system}`
            : ""),
      );
    }
    return {
      results: generators.map((g) => {
        const hub = hubs.find((h) => h.system === g.system);
        return resultOf(s, g.system, ciphertextBytes, saturation.get(g.system)!, curves.get(g.system)!, {
          ...(hub && base ? { baseline: base } : {}),
          ...(hub && hub !== reference ? { reference: { system: reference.system, saturation: ref } } : {}),
        });
      }),
      hubSaturationWindows: ref.repeats.map((r) => r.monotonicWindow),
      hubHeadlineWindows: (
        curves.get(reference.system)!.find((p) => p.fraction === HEADLINE_FRACTION)?.repeats ?? []
      ).map((r) => r.monotonicWindow),
    };
  } finally {
    for (const g of generators) await g.generator.stop();
  }
}

const MiB = 1024 * 1024;

function resultOf(
  s: Scenario,
  system: string,
  ciphertextBytes: number,
  sat: Saturation,
  curve: LoadPoint[],
  against: { baseline?: Saturation; reference?: { system: string; saturation: Saturation } },
): WorkloadResult {
  const { baseline, reference } = against;
  const fanout = s.membersPerConversation > 2;
  const half = curve.find((p) => p.fraction === HEADLINE_FRACTION) ?? curve[Math.floor(curve.length / 2)]!;
  const at = `@${Math.round(half.fraction * 100)}%`;
  const figures: Figure[] = [
    { name: "ciphertext", value: ciphertextBytes, unit: "B" },
    { name: "saturation", value: sat.messagesPerSecond, unit: "msg/s" },
  ];
  if (fanout)
    figures.push({ name: "saturation deliveries", value: sat.deliveriesPerSecond, unit: "deliveries/s" });
  if (baseline) {
    figures.push({
      name: "saturation vs baseline",
      value: sat.messagesPerSecond / baseline.messagesPerSecond,
      unit: "x",
      ...(s.ratioTarget !== undefined ? { target: { op: ">=" as const, value: s.ratioTarget } } : {}),
    });
  }
  if (reference) {
    const target = s.referenceTargets?.[system];
    figures.push({
      name: `saturation vs ${reference.system}`,
      value: sat.messagesPerSecond / reference.saturation.messagesPerSecond,
      unit: "x",
      ...(target !== undefined ? { target: { op: ">=" as const, value: target } } : {}),
    });
  }
  const isHub = baseline !== undefined || reference !== undefined;
  figures.push(
    { name: `p50 ${at}`, value: half.figures.p50, unit: "ms" },
    {
      name: `p99 ${at}`,
      value: half.figures.p99,
      unit: "ms",
      // The latency target is for the hub at 50% of saturation.
      ...(isHub && half.fraction === HEADLINE_FRACTION ? { target: { op: "<=" as const, value: 25 } } : {}),
    },
    { name: `p99.9 ${at}`, value: half.figures.p999, unit: "ms" },
    { name: "server CPU @sat", value: sat.serverCpuCores, unit: "cores" },
    { name: `server CPU ${at}`, value: half.figures.serverCpuCores, unit: "cores" },
    { name: "server peak RSS", value: sat.serverPeakRssBytes / MiB, unit: "MiB" },
    { name: "load generator CPU @sat", value: sat.loadgenCpuCores, unit: "cores" },
  );
  return {
    name: s.name,
    system,
    figures,
    curve: curve.map(toLatencyPoint),
    notes: notesOf(s, sat, curve),
  };
}

function notesOf(s: Scenario, sat: Saturation, curve: LoadPoint[]): string[] {
  const notes = [
    `${s.conversations} conversations of ${s.membersPerConversation} devices, window ${s.window} per sender; ` +
      `saturation repeats (msg/s): ${sat.repeats.map((r) => fmt(r.messagesPerSecond)).join(", ")}`,
  ];
  const half = curve.find((p) => p.fraction === HEADLINE_FRACTION);
  if (half && half.repeats.length > 1) {
    notes.push(
      `50% load repeats: p50 ${half.repeats.map((r) => r.p50.toFixed(2)).join(", ")} ms; ` +
        `p99 ${half.repeats.map((r) => r.p99.toFixed(2)).join(", ")} ms (medians reported)`,
    );
  }
  const phases = [
    ...sat.repeats.map((r, i) => [`saturation run ${i + 1}`, r] as const),
    ...curve.flatMap((p) =>
      p.repeats.map((r, i) => [`${Math.round(p.fraction * 100)}% load run ${i + 1}`, r] as const),
    ),
  ];
  for (const [label, r] of phases) {
    if (r.otherCpuCores > NOISY_CORES) {
      notes.push(`${label}: other processes used ${r.otherCpuCores.toFixed(2)} cores (noisy)`);
    }
    if (r.lost + r.refused + r.skipped > 0) {
      notes.push(
        `${label}: ${r.lost} deliveries lost, ${r.refused} refused, ${r.skipped} sends skipped` +
          (r.refusals.length > 0 ? ` (${r.refusals.join("; ")})` : ""),
      );
    }
  }
  return notes;
}

/**
 * Run scenarios one after another against one hub (on a fresh SQLite file in
 * the scratch directory) and one forwarder, then stop both; with --profile,
 * summarise the hub's profile over each scenario's saturation windows.
 */
export async function runScenarios(
  ctx: BenchContext,
  dbName: string,
  scenarios: Scenario[],
): Promise<WorkloadResult[]> {
  const hub = await startHubProcess(join(ctx.scratch, dbName), benchHubConfigArgs(ctx.scratch));
  const baseline = await startForwarder();
  const results: WorkloadResult[] = [];
  const windows = new Map<string, TimeWindow[]>();
  try {
    for (const s of scenarios) {
      const r = await runScenario(
        ctx,
        [oneProcess(HUB, "hub", hub), oneProcess(BASELINE, "baseline", baseline)],
        s,
      );
      results.push(...r.results);
      windows.set(s.name, r.hubSaturationWindows);
      if (r.hubHeadlineWindows.length > 0) windows.set(`${s.name}-at-50`, r.hubHeadlineWindows);
    }
  } finally {
    await hub.stop();
    await baseline.stop();
  }
  if (ctx.profileDir) writeProfileSummaries(ctx.profileDir, hub.pid, windows, (m) => ctx.progress(m));
  return results;
}
