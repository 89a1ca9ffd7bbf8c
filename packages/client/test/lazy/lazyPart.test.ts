import { describe, expect, it } from "vitest";
import { laterHook, lazyPart, type LazyPart } from "../../src/lazyPart.js";

class Part {
  readonly calls: string[] = [];
  flag = "default";
  async ask(n: number): Promise<string> {
    this.calls.push(`ask ${n}`);
    return `answer ${n} (${this.flag})`;
  }
  hook(n: number): void {
    this.calls.push(`hook ${n}`);
  }
  now(): string[] {
    return ["real"];
  }
}

/** A part whose load waits until `release()`. */
function held(before: Partial<Part> = {}) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let loads = 0;
  const lazy = lazyPart(async () => {
    loads++;
    await gate;
    return new Part();
  }, before);
  return { lazy, release, loads: () => loads };
}

describe("[WB16] a part of the SDK loaded on demand", () => {
  it("loads on the first call, runs early calls in order on the real part, and hands over properties set before", async () => {
    const { lazy, release, loads } = held();
    expect(loads()).toBe(0);
    expect(lazy.started()).toBe(false);
    lazy.part.flag = "set early";
    expect(lazy.part.flag).toBe("set early");
    const first = lazy.part.ask(1);
    const second = lazy.part.ask(2);
    expect(loads()).toBe(1);
    expect(lazy.loaded()).toBeUndefined();
    release();
    expect(await first).toBe("answer 1 (set early)");
    expect(await second).toBe("answer 2 (set early)");
    const real = lazy.loaded()!;
    expect(real.calls).toEqual(["ask 1", "ask 2"]);
    expect(real.flag).toBe("set early");
    // Loaded: the proxy is the real part, methods bound to it.
    const ask = Reflect.get(lazy.part, "ask") as (n: number) => Promise<string>;
    expect(await ask(3)).toBe("answer 3 (set early)");
    expect(loads()).toBe(1);
  });

  it("answers synchronous members from `before` until loaded, then from the real part", async () => {
    const { lazy, release } = held({ now: () => ["before"] });
    expect(lazy.part.now()).toEqual(["before"]);
    release();
    await lazy.ready();
    expect(lazy.part.now()).toEqual(["real"]);
  });

  it("is not a thenable: awaiting it does not call a method named then", async () => {
    const { lazy } = held();
    expect(await Promise.resolve(lazy.part)).toBe(lazy.part);
    expect(lazy.started()).toBe(false);
  });

  it("a later hook runs once loaded, in order, at once when already loaded, and reports a failure", async () => {
    const errors: unknown[] = [];
    const box: { lazy?: LazyPart<Part> } = {};
    const hook = laterHook(
      () => box.lazy!,
      "hook",
      (e) => errors.push(e),
    );
    const h = held({ hook });
    const lazy = (box.lazy = h.lazy);
    lazy.part.hook(1);
    lazy.part.hook(2);
    expect(lazy.started()).toBe(true);
    h.release();
    await lazy.ready();
    await Promise.resolve();
    expect(lazy.loaded()!.calls).toEqual(["hook 1", "hook 2"]);
    hook(3); // the same hook, kept by a caller from before the load
    expect(lazy.loaded()!.calls).toEqual(["hook 1", "hook 2", "hook 3"]);

    const failing = lazyPart<Part>(() => Promise.reject(new Error("offline")));
    laterHook(
      () => failing,
      "hook",
      (e) => errors.push(e),
    )(4);
    await expect(failing.ready()).rejects.toThrow("offline");
    await Promise.resolve();
    expect(errors).toHaveLength(1);
  });
});
