import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../src/metrics/latencyHistogram.js";

const BUCKETS = [0.0001, 0.001, 0.01, 0.1, 1];

/** The same observations into prom-client's Histogram and into ours, each in a registry of its own. */
function both(observations: [method: string, outcome: "ok" | "error", seconds: number][]) {
  const theirs = new Registry();
  const reference = new Histogram({
    name: "t_seconds",
    help: "Latency.",
    labelNames: ["method", "outcome"],
    buckets: BUCKETS,
    registers: [theirs],
  });
  const ours = new Registry();
  const histogram = new LatencyHistogram("t_seconds", "Latency.", BUCKETS, ours);
  const timers = new Map<string, ReturnType<LatencyHistogram["timer"]>>();
  for (const [method, outcome, seconds] of observations) {
    reference.observe({ method, outcome }, seconds);
    let timer = timers.get(method);
    if (timer === undefined) {
      timer = histogram.timer(method);
      timers.set(method, timer);
    }
    timer.observe(outcome, seconds);
  }
  return { theirs, ours, histogram };
}

describe("[EG5] the Store and Bus latency histogram", () => {
  it("exposes exactly what prom-client's Histogram would for the same observations", async () => {
    const { theirs, ours } = both([
      ["appendMessage", "ok", 0.00005],
      ["appendMessage", "ok", 0.0001],
      ["appendMessage", "ok", 0.003],
      ["appendMessage", "error", 0.5],
      ["readLog", "ok", 2],
      ["readLog", "ok", 0.02],
      ["publish", "ok", 0.0000001],
    ]);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // JSON too, but for prom-client's exemplar slots (null: exemplars are off).
    const withoutExemplars = async (r: Registry) =>
      (await r.getMetricsAsJSON()).map((m) => ({
        ...m,
        values: m.values.map((v) => ({
          labels: v.labels,
          value: v.value,
          name: (v as { metricName?: string }).metricName,
        })),
      }));
    expect(await withoutExemplars(ours)).toEqual(await withoutExemplars(theirs));
  });

  it("shows no series for a method timed but never called, and reset empties it", async () => {
    const { theirs, ours, histogram } = both([["getDevice", "ok", 0.001]]);
    histogram.timer("unused");
    expect(await ours.metrics()).toBe(await theirs.metrics());
    histogram.reset();
    expect(await ours.metrics()).not.toMatch(/getDevice/);
  });
});
