/**
 * The two measurements every throughput workload makes, the same way for the
 * hub and the baseline: saturation (closed loop, repeated and alternated
 * between systems so drift on a shared machine hits both alike; medians) and
 * latency at open-loop offered loads given as fractions of each system's own
 * saturation.
 */
import { median, percentile } from "../lib/stats.js";
import type { LatencyPoint } from "../workloads/types.js";
import type { PhaseTiming } from "./messages.js";
import type { LoadGenerator, PhaseResult } from "./pool.js";

export interface SystemUnderTest {
  /** As reported: "sqlite" for the hub on its SQLite store, "baseline-ws" for the forwarder. */
  system: string;
  generator: LoadGenerator;
  /** Deliveries per message: receivers per conversation (1 for a direct chat). */
  receivers: number;
}

/** One phase, reduced to figures. */
export interface PhaseFigures {
  messagesPerSecond: number;
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  serverCpuCores: number;
  serverPeakRssBytes: number;
  /** The busiest load generator process: near 1.0 means it, not the system, may be the limit. */
  loadgenCpuCores: number;
  /** Deliveries that never came, requests refused, open-loop sends skipped. */
  lost: number;
  refused: number;
  skipped: number;
  refusals: string[];
  /** The measured window on the monotonic clock (µs), for cutting a CPU profile. */
  monotonicWindow: { from: number; to: number };
  /** CPU used by other processes on the machine during the window: noise. */
  otherCpuCores: number;
}

export function figuresOf(r: PhaseResult, receivers: number): PhaseFigures {
  const deliveriesPerSecond = r.deliveries / r.measureSeconds;
  return {
    messagesPerSecond: deliveriesPerSecond / receivers,
    deliveriesPerSecond,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    p999: percentile(r.latencies, 99.9),
    serverCpuCores: r.serverCpuCores,
    serverPeakRssBytes: r.serverPeakRssBytes,
    loadgenCpuCores: Math.max(...r.workerCpuCores),
    lost: r.lost,
    refused: r.refused,
    skipped: r.skipped,
    refusals: r.refusals,
    monotonicWindow: r.monotonicWindow,
    otherCpuCores: Math.max(
      0,
      r.machineCpuCores - r.serverCpuCores - r.workerCpuCores.reduce((a, b) => a + b, 0),
    ),
  };
}

export interface Saturation {
  /** Medians over the repeats. */
  messagesPerSecond: number;
  deliveriesPerSecond: number;
  serverCpuCores: number;
  loadgenCpuCores: number;
  /** The highest over the repeats. */
  serverPeakRssBytes: number;
  repeats: PhaseFigures[];
}

export async function measureSaturation(
  systems: SystemUnderTest[],
  options: { window: number; repeats: number; timing: PhaseTiming; progress: (m: string) => void },
): Promise<Map<string, Saturation>> {
  const runs = new Map<string, PhaseFigures[]>(systems.map((s) => [s.system, []]));
  for (let i = 0; i < options.repeats; i++) {
    for (const s of systems) {
      const r = figuresOf(
        await s.generator.run({ kind: "closed", window: options.window }, options.timing),
        s.receivers,
      );
      runs.get(s.system)!.push(r);
      options.progress(
        `saturation ${i + 1}/${options.repeats} ${s.system}: ${fmt(r.messagesPerSecond)} msg/s` +
          (s.receivers > 1 ? ` (${fmt(r.deliveriesPerSecond)} deliveries/s)` : "") +
          `, server ${r.serverCpuCores.toFixed(2)} cores, load generator ${r.loadgenCpuCores.toFixed(2)}` +
          noise(r),
      );
    }
  }
  const out = new Map<string, Saturation>();
  for (const [system, repeats] of runs) {
    out.set(system, {
      messagesPerSecond: median(repeats.map((r) => r.messagesPerSecond)),
      deliveriesPerSecond: median(repeats.map((r) => r.deliveriesPerSecond)),
      serverCpuCores: median(repeats.map((r) => r.serverCpuCores)),
      loadgenCpuCores: median(repeats.map((r) => r.loadgenCpuCores)),
      serverPeakRssBytes: Math.max(...repeats.map((r) => r.serverPeakRssBytes)),
      repeats,
    });
  }
  return out;
}

/** Medians of every figure over repeats; counts of trouble are summed. */
export function medianFigures(runs: PhaseFigures[]): PhaseFigures {
  const m = (f: (r: PhaseFigures) => number) => median(runs.map(f));
  const sum = (f: (r: PhaseFigures) => number) => runs.reduce((n, r) => n + f(r), 0);
  return {
    messagesPerSecond: m((r) => r.messagesPerSecond),
    deliveriesPerSecond: m((r) => r.deliveriesPerSecond),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    p999: m((r) => r.p999),
    serverCpuCores: m((r) => r.serverCpuCores),
    serverPeakRssBytes: Math.max(...runs.map((r) => r.serverPeakRssBytes)),
    loadgenCpuCores: m((r) => r.loadgenCpuCores),
    lost: sum((r) => r.lost),
    refused: sum((r) => r.refused),
    skipped: sum((r) => r.skipped),
    refusals: runs.flatMap((r) => r.refusals),
    monotonicWindow: runs[0]!.monotonicWindow,
    otherCpuCores: Math.max(...runs.map((r) => r.otherCpuCores)),
  };
}

export interface LoadPoint {
  /** Offered load as a fraction of the system's saturation. */
  fraction: number;
  offered: number;
  /** Medians when the point was repeated. */
  figures: PhaseFigures;
  repeats: PhaseFigures[];
}

/** The headline load: the latency figures are at 50% of saturation. */
export const HEADLINE_FRACTION = 0.5;

/**
 * Open-loop phases at `fractions` of `saturation` messages/s, lowest load
 * first; the headline point is repeated `headlineRepeats` times (medians).
 */
export async function measureLatencyCurve(
  s: SystemUnderTest,
  saturation: number,
  options: {
    fractions: number[];
    headlineRepeats: number;
    timing: PhaseTiming;
    progress: (m: string) => void;
  },
): Promise<LoadPoint[]> {
  const points: LoadPoint[] = [];
  for (const fraction of options.fractions) {
    const offered = saturation * fraction;
    const repeats: PhaseFigures[] = [];
    const n = fraction === HEADLINE_FRACTION ? options.headlineRepeats : 1;
    for (let i = 0; i < n; i++) {
      const r = figuresOf(
        await s.generator.run({ kind: "open", messagesPerSecond: offered }, options.timing),
        s.receivers,
      );
      repeats.push(r);
      options.progress(
        `${s.system} at ${Math.round(fraction * 100)}% (${fmt(offered)} msg/s offered)` +
          (n > 1 ? ` ${i + 1}/${n}` : "") +
          `: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, p99.9 ${r.p999.toFixed(2)} ms${noise(r)}`,
      );
    }
    points.push({ fraction, offered, figures: medianFigures(repeats), repeats });
  }
  return points;
}

/** Other processes busy during a phase make its figures suspect; say so. */
export function noise(r: PhaseFigures): string {
  return r.otherCpuCores > NOISY_CORES ? ` [other processes used ${r.otherCpuCores.toFixed(2)} cores]` : "";
}

export const NOISY_CORES = 0.25;

export function toLatencyPoint(p: LoadPoint): LatencyPoint {
  return {
    offered: p.offered,
    delivered: p.figures.messagesPerSecond,
    p50: p.figures.p50,
    p99: p.figures.p99,
    p999: p.figures.p999,
  };
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
