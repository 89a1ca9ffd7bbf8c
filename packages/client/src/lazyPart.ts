/**
 * A part of the SDK loaded on demand: its code is a dynamic import(), so a
 * browser bundle carries it in its own chunk, fetched once the app first
 * uses it rather than with the page (SPEC WB16).
 *
 * `part` stands in for the real object from the start. Before it is loaded,
 * a method call starts the load and answers a promise of the real method's
 * result (the parts' public methods are all async); `before` answers the
 * members that must be synchronous (an emitter, a read of in-memory state,
 * a hook whose caller does not wait). A property set before the load is
 * handed to the real object once it exists. Calls made before the load run
 * on it in the order they were made.
 */
export interface LazyPart<T extends object> {
  readonly part: T;
  /** The real object, loading it if no call did yet. */
  ready(): Promise<T>;
  /** The real object if it is loaded. */
  loaded(): T | undefined;
  /** Whether anything asked for it yet. */
  started(): boolean;
}

export function lazyPart<T extends object>(load: () => Promise<T>, before: Partial<T> = {}): LazyPart<T> {
  let real: T | undefined;
  let loading: Promise<T> | undefined;
  const assigned = new Map<PropertyKey, unknown>();
  const ready = (): Promise<T> =>
    (loading ??= load().then((made) => {
      for (const [key, value] of assigned) Reflect.set(made, key, value);
      assigned.clear();
      real = made;
      return made;
    }));
  const part = new Proxy({} as T, {
    get(_, key) {
      if (real) {
        const value: unknown = Reflect.get(real, key);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(real) : value;
      }
      if (assigned.has(key)) return assigned.get(key);
      if (key in before) return (before as Record<PropertyKey, unknown>)[key];
      // Not a thenable: `await part` must not wait on a method named "then".
      if (key === "then" || typeof key === "symbol") return undefined;
      return (...args: unknown[]) =>
        ready().then((made) => (Reflect.get(made, key) as (...a: unknown[]) => unknown).apply(made, args));
    },
    set(_, key, value) {
      if (real) return Reflect.set(real, key, value);
      assigned.set(key, value);
      return true;
    },
  });
  return { part, ready, loaded: () => real, started: () => loading !== undefined };
}

/**
 * A hook the caller does not wait for, as `before` answers it: it loads the
 * part and then runs, in order with the other early calls; a failure goes
 * to `onError` (nobody awaits it). Once loaded, it runs at once.
 */
export function laterHook<T extends object, K extends keyof T>(
  lazy: () => LazyPart<T>,
  name: K,
  onError: (error: unknown) => void,
): T[K] {
  const run = (made: T, args: unknown[]) => (made[name] as (...a: unknown[]) => unknown).apply(made, args);
  const hook = (...args: unknown[]) => {
    const made = lazy().loaded();
    if (made) return void run(made, args);
    void lazy()
      .ready()
      .then((loaded) => run(loaded, args))
      .catch(onError);
  };
  return hook as T[K];
}
