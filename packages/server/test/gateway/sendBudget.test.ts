/** [EG2] The send budget's bookkeeping, alone: when requests may start, pushes fit, and stuck fires. */
import { describe, expect, it } from "vitest";
import { SendBudget } from "../../src/gateway/sendBudget.js";
import { ManualTimers } from "../support/manualTimers.js";

const LIMIT = 1000;
const STUCK_MS = 50;

function budget(): { budget: SendBudget; timers: ManualTimers; stuck: () => number } {
  const timers = new ManualTimers();
  let stuck = 0;
  const b = new SendBudget(LIMIT, STUCK_MS, timers, () => stuck++);
  return { budget: b, timers, stuck: () => stuck };
}

describe("send budget", () => {
  it("[EG2] a request starts while its possible answer fits beside what is queued and reserved", () => {
    const { budget: b } = budget();
    expect(b.mayStart(0, 600)).toBe(true);
    b.reserve(600);
    expect(b.mayStart(0, 400)).toBe(true);
    expect(b.mayStart(1, 400)).toBe(false);
    b.reserve(400);
    expect(b.mayStart(0, 0)).toBe(true);
    expect(b.mayStart(0, 1)).toBe(false);
    b.release(600);
    b.release(400);
    expect(b.reserved).toBe(0);
  });

  it("[EG2] one request at a time always makes progress, but none starts over budget", () => {
    const { budget: b } = budget();
    expect(b.mayStart(0, 5 * LIMIT)).toBe(true);
    expect(b.mayStart(LIMIT, 5 * LIMIT)).toBe(true);
    expect(b.mayStart(LIMIT + 1, 0)).toBe(false);
    b.reserve(5 * LIMIT);
    expect(b.mayStart(0, 5 * LIMIT)).toBe(false);
  });

  it("[EG2] a push is sent only if it fits; the reservation does not crowd it out", () => {
    const { budget: b } = budget();
    b.reserve(LIMIT);
    expect(b.mayPush(0, LIMIT)).toBe(true);
    expect(b.mayPush(1, LIMIT)).toBe(false);
    expect(b.mayPush(999, 1)).toBe(true);
  });

  it("[EG2] blocked without a break for the deadline is stuck; a break resets it", () => {
    const { budget: b, timers, stuck } = budget();
    b.setBlocked(true);
    b.setBlocked(true);
    expect(timers.armed(STUCK_MS)).toBe(1);
    b.setBlocked(false);
    expect(timers.armed(STUCK_MS)).toBe(0);
    expect(timers.fire(STUCK_MS)).toBe(0);
    b.setBlocked(true);
    expect(timers.fire(STUCK_MS)).toBe(1);
    expect(stuck()).toBe(1);
    expect(b.blocked).toBe(false);
    b.setBlocked(true);
    b.dispose();
    expect(timers.fire(STUCK_MS)).toBe(0);
    expect(stuck()).toBe(1);
  });

  it("[EG2] progress while blocked (a drain, a held request started) gives the whole deadline again", () => {
    const { budget: b, timers, stuck } = budget();
    b.progress();
    expect(timers.armed(STUCK_MS)).toBe(0);
    b.setBlocked(true);
    const [first] = timers.pendingHandles();
    b.progress();
    expect(timers.armed(STUCK_MS)).toBe(1);
    expect(timers.pendingHandles()).not.toContain(first);
    expect(timers.fire(STUCK_MS)).toBe(1);
    expect(stuck()).toBe(1);
  });

  it("[EG2] dispose disarms the deadline", () => {
    const { budget: b, timers, stuck } = budget();
    b.setBlocked(true);
    b.dispose();
    expect(timers.fire(STUCK_MS)).toBe(0);
    expect(stuck()).toBe(0);
  });
});
