/**
 * The commit window (SPEC ST66): under load, the next batch of appends waits
 * a few milliseconds for company instead of going the moment the one before
 * it is durable.
 *
 * Why: a batch has costs that do not depend on its size. On SQLite each
 * COMMIT writes a seq-index leaf per conversation it touches, each sender's
 * counter page, and a WAL fsync; then every socket it answers gets a writev.
 * Paced at half of saturation, batches were 25-50 messages and the hub used
 * as much CPU as at saturation (bench/README.md, "The commit window").
 *
 * When it applies: only when load shows without the window's help, as
 * messages that arrived while the batch before was in flight. Measuring
 * load by the batch's own size made the window keep itself on at a tenth of
 * saturation (4 ms of arrivals made the batch look loaded), which took a
 * quiet hub's median latency from 0.9 to 3 ms.
 *
 * When it ends early: at `fullAt` messages, or once as many wait as the
 * batch before carried. The second matters when a few senders keep a fixed
 * number of messages in flight (a closed loop): once all of them are back,
 * more will not come until they are answered, and waiting out the window
 * would only idle the hub (groups of 100 lost 29% of their throughput to it
 * before this rule).
 */

export interface CommitWindow {
  /** The longest a batch waits after the one before it started (ms). */
  ms: number;
  /** A batch this large goes at once, window or not. */
  fullAt: number;
  /** The window applies only when this many arrived while the batch before was in flight. */
  loadedAt: number;
}

/** Measured on the direct and group workloads (bench/README.md, "The commit window"). */
export const COMMIT_WINDOW: CommitWindow = { ms: 4, fullAt: 128, loadedAt: 16 };

/** What the queue knows when a batch could start. */
export interface WindowState {
  /** When the last batch started, on the queue's clock (ms). */
  lastStart: number;
  /** How many messages it carried. */
  lastSize: number;
  /** How many had arrived by the time it was durable. */
  backlog: number;
  /** How many wait now. */
  waiting: number;
  now: number;
}

/** Whether `waiting` messages make a batch that goes at once, window or not. */
export function windowFull(window: CommitWindow, lastSize: number, waiting: number): boolean {
  return waiting >= Math.min(window.fullAt, lastSize);
}

/** How long the next batch should still wait (ms); 0 or less: go now. */
export function windowWait(window: CommitWindow, state: WindowState): number {
  if (state.backlog < window.loadedAt || windowFull(window, state.lastSize, state.waiting)) return 0;
  return state.lastStart + window.ms - state.now;
}
