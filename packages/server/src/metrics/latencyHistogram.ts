/**
 * A latency histogram by method and outcome, as prom-client's Histogram
 * exposes it (the same series, labels and order), but cheap to observe: every
 * Store and Bus call is timed, three per direct message, and prom-client's
 * observe (a label object, its validation and its hash, two hrtime arrays per
 * timer) was 4-7% of the hub's main thread at saturation (bench/README.md,
 * "CPU per message"). Here a method's recorder is made once and an
 * observation is a bucket search and three additions on numbers.
 */
import type { Registry } from "prom-client";

export type Outcome = "ok" | "error";

/** Times of one method, by outcome. */
export interface MethodTimer {
  /** Record a call that took `seconds`. */
  observe(outcome: Outcome, seconds: number): void;
}

interface Series {
  method: string;
  outcome: Outcome;
  /** Per bucket, not cumulative: counts[i] holds values in (bounds[i-1], bounds[i]]. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface Value {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
  sharedLabels?: Record<string, string>;
}

export class LatencyHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    // prom-client's registry only needs name, get() and reset() of a metric.
    registry.registerMetric(this as unknown as Parameters<Registry["registerMetric"]>[0]);
  }

  /** The recorder of one method; call once per method and keep it. */
  timer(method: string): MethodTimer {
    const ok = this.seriesOf(method, "ok");
    let error: Series | undefined;
    return {
      observe: (outcome, seconds) => {
        const s = outcome === "ok" ? ok : (error ??= this.seriesOf(method, "error"));
        record(s, this.bounds, seconds);
      },
    };
  }

  /** As prom-client's: le first, then the method and outcome labels. */
  getForPromString(): { name: string; help: string; type: string; values: Value[]; aggregator: string } {
    const values: Value[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      if (s.count === 0) continue;
      const shared = { method: s.method, outcome: s.outcome };
      let cumulative = 0;
      for (const [i, le] of this.bounds.entries()) {
        cumulative += s.counts[i] ?? 0;
        values.push({ value: cumulative, labels: { le }, metricName: bucket, sharedLabels: shared });
      }
      values.push({ value: s.count, labels: { le: "+Inf" }, metricName: bucket, sharedLabels: shared });
      values.push({ value: s.sum, labels: {}, metricName: `${this.name}_sum`, sharedLabels: shared });
      values.push({ value: s.count, labels: {}, metricName: `${this.name}_count`, sharedLabels: shared });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** For JSON: the shared labels spread into each value's labels. */
  get(): ReturnType<LatencyHistogram["getForPromString"]> {
    const metric = this.getForPromString();
    metric.values = metric.values.map(({ sharedLabels, ...v }) => ({
      ...v,
      labels: { ...v.labels, ...sharedLabels },
    }));
    return metric;
  }

  reset(): void {
    for (const s of this.series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  private seriesOf(method: string, outcome: Outcome): Series {
    const key = `${method}\0${outcome}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = { method, outcome, counts: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }
}

function record(s: Series, bounds: readonly number[], seconds: number): void {
  if (!Number.isFinite(seconds)) return;
  s.sum += seconds;
  s.count++;
  for (let i = 0; i < bounds.length; i++) {
    if (seconds <= bounds[i]!) {
      s.counts[i] = (s.counts[i] ?? 0) + 1;
      return;
    }
  }
}
