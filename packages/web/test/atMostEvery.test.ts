/** [WB22] Lists re-read on arriving messages: at most once per interval, the first at once, none lost. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { atMostEvery } from "../src/state/atMostEvery.js";

describe("[WB22] atMostEvery", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("[WB22] runs the first ask at once and folds the asks of the next interval into one run at its end", () => {
    const runs: number[] = [];
    const ask = atMostEvery(250, () => runs.push(Date.now()));
    const start = Date.now();
    ask();
    expect(runs).toHaveLength(1);
    for (let i = 0; i < 40; i++) ask();
    expect(runs).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(runs.map((t) => t - start)).toEqual([0, 250]);
    // The run at the interval's end starts another interval: nothing more without an ask.
    vi.advanceTimersByTime(1000);
    expect(runs).toHaveLength(2);
    ask();
    expect(runs).toHaveLength(3);
  });
});
