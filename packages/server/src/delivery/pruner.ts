/**
 * The hub's pruner: every `pruneIntervalMs` it walks all conversations in
 * bounded steps (store.pruneLog: one short write each, so appends queued
 * behind it wait little), then drops expired inbox items the same way. Any
 * number of nodes may run one; the store makes concurrent prunes safe.
 */
import type { Clock } from "../caller.js";
import type { Store } from "../store/port.js";
import { pruneCut, type StorageSettings } from "./retention.js";

/** Timers, injectable so tests drive the pruner without waiting. */
export interface PrunerTimers {
  setInterval(run: () => void, ms: number): { unref?(): unknown };
  clearInterval(handle: unknown): void;
}

export interface PruneRun {
  entries: number;
  inboxItems: number;
  /** [XP7] Disappearing messages deleted at their expiry. */
  expiredEntries: number;
}

export class Pruner {
  private handle: { unref?(): unknown } | undefined;
  private running: Promise<PruneRun> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: StorageSettings,
    private readonly onError: (err: unknown) => void,
    private readonly timers: PrunerTimers = globalThis,
    /** After each timed pass, with what it deleted (for the hub's log). */
    private readonly onPass: (run: PruneRun) => void = () => {},
  ) {}

  /** Run every interval; the timer does not keep the process alive. */
  start(): void {
    if (this.handle !== undefined || this.stopped) return;
    this.handle = this.timers.setInterval(() => {
      // One run at a time: a slow one is not stacked on.
      if (this.running === undefined) this.runOnce().then(this.onPass, this.onError);
    }, this.settings.pruneIntervalMs);
    this.handle.unref?.();
  }

  /** One full pass now (the timer's work; tests call it directly). */
  runOnce(): Promise<PruneRun> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stop the timer and wait for a pass under way to end at its next step. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle !== undefined) this.timers.clearInterval(this.handle);
    this.handle = undefined;
    await this.running?.catch(() => {});
  }

  private async pass(): Promise<PruneRun> {
    const cut = pruneCut(this.clock(), this.settings);
    const run: PruneRun = { entries: 0, inboxItems: 0, expiredEntries: 0 };
    // [XP7] Disappearing messages first: their time is exact, not a grace period.
    while (!this.stopped) {
      const n = await this.store.pruneExpiredEntries(this.clock(), this.settings.pruneBatchEntries);
      run.expiredEntries += n;
      if (n < this.settings.pruneBatchEntries) break;
    }
    let after: string | undefined = "";
    while (after !== undefined && !this.stopped) {
      const step = await this.store.pruneLog(cut, {
        after,
        conversations: this.settings.pruneBatchConversations,
        entries: this.settings.pruneBatchEntries,
      });
      run.entries += step.deleted;
      after = step.next;
    }
    while (!this.stopped) {
      const n = await this.store.pruneInbox(cut.expiredBefore, this.settings.pruneBatchEntries);
      run.inboxItems += n;
      if (n < this.settings.pruneBatchEntries) break;
    }
    return run;
  }
}
