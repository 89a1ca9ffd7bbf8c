/**
 * Hub-wide: how many answer bytes the requests started in one turn of the
 * event loop may produce (SPEC EG7). Each connection's send budget bounds
 * what it queues (sendBudget.ts), but over loopback or a fast link the
 * kernel takes megabytes per socket before a queue shows: ten clients that
 * pipeline large fetches and never read would each start one 1 MiB answer
 * per turn, and the hub spent hundreds of milliseconds per turn encoding
 * them, with /healthz and every other socket waiting behind (issue 14).
 *
 * A request whose answer may be large takes its reserved cost from this
 * budget before it starts; when the turn's budget is spent it waits, and
 * the waiting connections are resumed on a later turn, round robin, after
 * the loop has polled for I/O. Requests with small answers (sends, acks)
 * never wait here. Pure bookkeeping besides the injected `defer`.
 */
export interface TurnWaiter {
  /** Try again: start held requests while the budget lasts (and wait again if it runs out). */
  resume(): void;
}

export class TurnBudget {
  private spent = 0;
  private turnEndScheduled = false;
  /** Insertion order is the order of service. */
  private waiting = new Set<TurnWaiter>();

  constructor(
    private readonly bytesPerTurn: number,
    private readonly defer: (fn: () => void) => void = setImmediate,
  ) {}

  /**
   * Take `cost` bytes of this turn's budget, if they fit. The first request
   * of a turn always fits, so one answer larger than the budget still runs.
   */
  take(cost: number): boolean {
    if (cost === 0) return true;
    if (this.spent > 0 && this.spent + cost > this.bytesPerTurn) return false;
    this.spent += cost;
    this.scheduleTurnEnd();
    return true;
  }

  /** Resume `waiter` on a later turn, after those already waiting. */
  wait(waiter: TurnWaiter): void {
    this.waiting.add(waiter);
    this.scheduleTurnEnd();
  }

  /** A closed connection waits no more. */
  forget(waiter: TurnWaiter): void {
    this.waiting.delete(waiter);
  }

  get waiters(): number {
    return this.waiting.size;
  }

  private scheduleTurnEnd(): void {
    if (this.turnEndScheduled) return;
    this.turnEndScheduled = true;
    this.defer(() => this.turnEnd());
  }

  /** A new turn: a fresh budget, served to the waiters in order; those not reached keep their place. */
  private turnEnd(): void {
    this.turnEndScheduled = false;
    this.spent = 0;
    const queue = this.waiting;
    this.waiting = new Set();
    const notReached: TurnWaiter[] = [];
    for (const waiter of queue) {
      if (this.spent >= this.bytesPerTurn) notReached.push(waiter);
      else waiter.resume();
    }
    // Those not reached go first next turn; those that ran out again go after them.
    this.waiting = new Set([...notReached, ...this.waiting]);
    if (this.waiting.size > 0) this.scheduleTurnEnd();
  }
}
