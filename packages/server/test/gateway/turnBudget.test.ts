/** [EG7] The hub-wide turn budget, alone: what starts in a turn, and who is served next. */
import { describe, expect, it } from "vitest";
import { TurnBudget, type TurnWaiter } from "../../src/gateway/turnBudget.js";

const MiB = 1024 * 1024;

/** A deferred-callback queue the test runs by hand: one call of nextTurn() is one event-loop turn. */
function manualTurns() {
  const queued: Array<() => void> = [];
  return {
    defer: (fn: () => void) => queued.push(fn),
    nextTurn() {
      const now = queued.splice(0);
      for (const fn of now) fn();
    },
    get pending() {
      return queued.length;
    },
  };
}

/** A connection with `held` large requests that takes one budget slice per request, as ClientConnection does. */
function connection(name: string, budget: TurnBudget, held: number, started: string[]): TurnWaiter {
  const waiter: TurnWaiter = {
    resume() {
      while (held > 0) {
        if (!budget.take(MiB)) return budget.wait(waiter);
        held--;
        started.push(name);
      }
    },
  };
  return waiter;
}

describe("TurnBudget", () => {
  it("[EG7] lets answers start within the turn's bytes, and the first one whatever its size", () => {
    const turns = manualTurns();
    const budget = new TurnBudget(2 * MiB, turns.defer);
    expect(budget.take(3 * MiB)).toBe(true);
    expect(budget.take(MiB)).toBe(false);
    turns.nextTurn();
    expect(budget.take(MiB)).toBe(true);
    expect(budget.take(MiB)).toBe(true);
    expect(budget.take(1)).toBe(false);
  });

  it("[EG7] small answers never wait", () => {
    const turns = manualTurns();
    const budget = new TurnBudget(MiB, turns.defer);
    expect(budget.take(MiB)).toBe(true);
    for (let i = 0; i < 100; i++) expect(budget.take(0)).toBe(true);
  });

  it("[EG7] waiting connections are served round robin, a budget's worth per turn, none starved", () => {
    const turns = manualTurns();
    const budget = new TurnBudget(2 * MiB, turns.defer);
    const started: string[] = [];
    const conns = ["a", "b", "c", "d"].map((n) => connection(n, budget, 3, started));
    for (const c of conns) c.resume(); // all arrive in one turn: only a starts (two)
    expect(started).toEqual(["a", "a"]);
    const perTurn: string[][] = [];
    while (turns.pending > 0) {
      const before = started.length;
      turns.nextTurn();
      perTurn.push(started.slice(before));
    }
    expect(perTurn.every((t) => t.length <= 2)).toBe(true);
    expect(started.filter((s) => s === "b")).toHaveLength(3);
    expect(started.filter((s) => s === "d")).toHaveLength(3);
    // Served in the order they began to wait: b, c, then d.
    expect(started.indexOf("b")).toBeLessThan(started.indexOf("c"));
    expect(started.indexOf("c")).toBeLessThan(started.indexOf("d"));
    // Twelve 1 MiB answers, two a turn, two of them in the first: five more turns.
    expect(perTurn.filter((t) => t.length > 0)).toHaveLength(5);
    expect(budget.waiters).toBe(0);
  });

  it("[EG7] a forgotten connection is not resumed", () => {
    const turns = manualTurns();
    const budget = new TurnBudget(MiB, turns.defer);
    const started: string[] = [];
    const a = connection("a", budget, 2, started);
    a.resume();
    expect(started).toEqual(["a"]);
    budget.forget(a);
    turns.nextTurn();
    expect(started).toEqual(["a"]);
  });
});
