/**
 * How one algorithm runs over a synchronous store and an asynchronous one.
 *
 * The write algorithms (append.ts, commit.ts) are generators over the
 * adapter's primitives. Each primitive returns a Step: SQLite's answer at
 * once (`ready`), PostgreSQL's a promise it yields (`pending`). SQLite runs
 * the algorithm with `runSync` inside its single-writer transaction, where no
 * await may happen (better-sqlite3 transactions are synchronous, and the group
 * commit batches operations that must not interleave); PostgreSQL runs it with
 * `runAsync` inside its own transaction. So the order of the steps, and every
 * decision between them, is written once, and neither adapter pays for the
 * other's model: SQLite never touches a promise.
 */

/** A computation that yields the adapter's pending I/O and returns T. */
export type Step<T> = Generator<Promise<unknown>, T, unknown>;

/** A primitive whose answer is already here (SQLite). */
// eslint-disable-next-line require-yield
export function* ready<T>(value: T): Step<T> {
  return value;
}

/** A primitive whose answer is a promise (PostgreSQL): the runner awaits it and hands the value back. */
export function* pending<T>(promise: Promise<T>): Step<T> {
  return (yield promise) as T;
}

/** Run to completion without awaiting; a step that yields pending I/O is an adapter bug. */
export function runSync<T>(step: Step<T>): T {
  const next = step.next();
  if (!next.done) {
    // Nothing may be left running behind a synchronous transaction.
    next.value.catch(() => {});
    step.return(undefined as T);
    throw new Error("a synchronous store primitive returned pending I/O");
  }
  return next.value;
}

/** Run to completion, awaiting each pending primitive in turn; a rejection is thrown into the algorithm. */
export async function runAsync<T>(step: Step<T>): Promise<T> {
  let next = step.next();
  while (!next.done) {
    let value: unknown;
    try {
      value = await next.value;
    } catch (error) {
      next = step.throw(error);
      continue;
    }
    next = step.next(value);
  }
  return next.value;
}
