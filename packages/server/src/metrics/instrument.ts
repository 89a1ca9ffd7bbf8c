/**
 * A decorator that times every method of a port (Store, Bus) into a
 * histogram, by method and outcome, without touching any adapter. Methods
 * that return a promise are timed until it settles. `close` is passed
 * through untimed. Wrappers are made once per method, not per call.
 */
import type { Histogram } from "prom-client";

export function instrument<T extends object>(target: T, histogram: Histogram<"method" | "outcome">): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value !== "function" || prop === "close" || prop === "constructor") return value;
      let wrapper = wrappers.get(prop);
      if (wrapper === undefined) {
        const method = String(prop);
        const fn = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]): unknown => {
          const end = histogram.startTimer({ method });
          let result: unknown;
          try {
            result = fn.apply(t, args);
          } catch (err) {
            end({ outcome: "error" });
            throw err;
          }
          if (!(result instanceof Promise)) {
            end({ outcome: "ok" });
            return result;
          }
          return result.then(
            (v: unknown) => {
              end({ outcome: "ok" });
              return v;
            },
            (err: unknown) => {
              end({ outcome: "error" });
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
