/**
 * What every benchmark workload gives the runner (bench/run.ts): named
 * figures for the table and the JSON, and optionally a latency curve for the
 * chart. Workloads start what they need (hub process, load generator
 * processes) and stop it before returning.
 */
export interface BenchContext {
  /** --quick: smaller sizes and shorter phases; the whole run under two minutes. */
  quick: boolean;
  /** A scratch directory for databases and fixtures, removed after the run. */
  scratch: string;
  /** One line of progress for the person watching. */
  progress(message: string): void;
  /** Load generator processes per system under test (--workers; default 1 on this 2-core machine). */
  workers?: number;
  /** --profile: hubs run with --cpu-prof into this directory; workloads may summarise their windows there. */
  profileDir?: string;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The target from the issue, when there is one, and whether it was met. */
  target?: { op: "<=" | ">="; value: number };
  /** Set by the runner: this figure over the same figure of the same workload's baseline-ws result. */
  vsBaseline?: number;
}

export interface LatencyPoint {
  /** Offered load, messages per second. */
  offered: number;
  delivered: number;
  p50: number;
  p99: number;
  p999: number;
}

export interface WorkloadResult {
  name: string;
  /** e.g. "sqlite", "baseline-ws". */
  system: string;
  figures: Figure[];
  curve?: LatencyPoint[];
  notes?: string[];
}

export type Workload = (ctx: BenchContext) => Promise<WorkloadResult[]>;
