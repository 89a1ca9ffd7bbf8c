/**
 * One connection's budget of bytes queued toward its client (SPEC EG2). It
 * covers responses and pushes alike: what the socket has not sent yet
 * (`queued`, ws's bufferedAmount) plus what the requests already started may
 * still answer (reserved when a request starts, released once its answer is
 * written and so counted in `queued`). Without the reservation, a client that
 * sends 256 fetches at once and never reads would have them all answered
 * before any byte showed up as queued.
 *
 * Pure bookkeeping: the connection asks, and does the I/O (pausing the
 * socket, dropping a push, closing when stuck).
 */
import type { Timers } from "./connectionSettings.js";

export class SendBudget {
  private reservedBytes = 0;
  private stuckTimer: unknown = null;

  constructor(
    private readonly limitBytes: number,
    private readonly stuckMs: number,
    private readonly timers: Timers,
    private readonly onStuck: () => void,
  ) {}

  get reserved(): number {
    return this.reservedBytes;
  }

  /**
   * May a request whose answer may take up to `cost` bytes start now? Always
   * when nothing is reserved and the queue is within budget, so one request
   * at a time still makes progress however large its answer may be.
   */
  mayStart(queued: number, cost: number): boolean {
    if (queued > this.limitBytes) return false;
    return this.reservedBytes === 0 || queued + this.reservedBytes + cost <= this.limitBytes;
  }

  reserve(cost: number): void {
    this.reservedBytes += cost;
  }

  release(cost: number): void {
    this.reservedBytes = Math.max(0, this.reservedBytes - cost);
  }

  /** A push may be dropped (the client syncs); it is sent only if it fits. */
  mayPush(queued: number, bytes: number): boolean {
    return queued + bytes <= this.limitBytes;
  }

  /**
   * Whether the connection is blocked (requests held, reading paused). A
   * connection blocked for stuckMs without a break is stuck.
   */
  setBlocked(blocked: boolean): void {
    if (blocked && this.stuckTimer === null) {
      this.stuckTimer = this.timers.setTimeout(() => {
        this.stuckTimer = null;
        this.onStuck();
      }, this.stuckMs);
    } else if (!blocked && this.stuckTimer !== null) {
      this.timers.clearTimeout(this.stuckTimer);
      this.stuckTimer = null;
    }
  }

  /**
   * The client read something (the queue drained, a held request could
   * start): a connection that is still blocked gets the whole deadline again.
   * Stuck means no progress for stuckMs, not a long backlog read steadily.
   */
  progress(): void {
    if (this.stuckTimer === null) return;
    this.setBlocked(false);
    this.setBlocked(true);
  }

  get blocked(): boolean {
    return this.stuckTimer !== null;
  }

  /** The connection is gone: no deadline fires for it. */
  dispose(): void {
    this.setBlocked(false);
  }
}
