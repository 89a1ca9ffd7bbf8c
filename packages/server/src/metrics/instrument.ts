/**
 * A decorator that times every method of a port (Store, Bus) into a
 * histogram, by method and outcome, without touching any adapter. Methods
 * that return a promise are timed until it settles. `close` is passed
 * through untimed. Wrappers are made once per method, not per call, and a
 * call costs two clock reads and a bucket search (latencyHistogram.ts).
 */
import { performance } from "node:perf_hooks";
import type { LatencyHistogram } from "./latencyHistogram.js";

export function instrument<T extends object>(target: T, histogram: LatencyHistogram): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value !== "function" || prop === "close" || prop === "constructor") return value;
      let wrapper = wrappers.get(prop);
      if (wrapper === undefined) {
        const timer = histogram.timer(String(prop));
        const fn = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]): unknown => {
          const start = performance.now();
          let result: unknown;
          try {
            result = fn.apply(t, args);
          } catch (err) {
            timer.observe("error", (performance.now() - start) / 1000);
            throw err;
          }
          if (!(result instanceof Promise)) {
            timer.observe("ok", (performance.now() - start) / 1000);
            return result;
          }
          return result.then(
            (v: unknown) => {
              timer.observe("ok", (performance.now() - start) / 1000);
              return v;
            },
            (err: unknown) => {
              timer.observe("error", (performance.now() - start) / 1000);
              throw err;
            },
          );
        };
        wrappers.set(prop, wrapper);
      }
      return wrapper;
    },
  });
}
