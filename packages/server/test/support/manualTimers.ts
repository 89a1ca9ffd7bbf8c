/** Timers a test fires itself (gateway/connectionSettings.ts Timers): deadlines without waiting. */
import type { Timers } from "../../src/gateway/connectionSettings.js";

interface Pending {
  fn: () => void;
  ms: number;
}

export class ManualTimers implements Timers {
  private readonly pending = new Set<Pending>();
  private waiters: (() => void)[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { fn, ms };
    this.pending.add(timer);
    for (const wake of this.waiters.splice(0)) wake();
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as Pending);
  }

  /** The armed timers' handles (to tell a re-armed deadline from the old one). */
  pendingHandles(): unknown[] {
    return [...this.pending];
  }

  /** How many timers of this duration are armed. */
  armed(ms: number): number {
    return [...this.pending].filter((t) => t.ms === ms).length;
  }

  /** Resolves once at least `count` timers of this duration are armed. */
  async untilArmed(ms: number, count = 1): Promise<void> {
    while (this.armed(ms) < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Fire every armed timer of this duration, as if that much time had passed. */
  fire(ms: number): number {
    const due = [...this.pending].filter((t) => t.ms === ms);
    for (const t of due) {
      this.pending.delete(t);
      t.fn();
    }
    return due.length;
  }
}
