/**
 * What one phase records in one worker. Times are this process's
 * performance.now(); a send and its deliveries are timed by the same clock
 * because every member of a conversation lives in the same worker.
 */
import type { PhaseReport } from "./messages.js";

const MAX_REFUSALS_KEPT = 5;

export class PhaseRecorder {
  sent = 0;
  accepted = 0;
  deliveries = 0;
  refused = 0;
  skipped = 0;
  /** Deliveries of measured messages given up on (see tracker.ts EXPIRE_MS). */
  lost = 0;
  private readonly refusals: string[] = [];
  private samples = new Float64Array(1 << 16);
  private count = 0;

  constructor(
    /** Start of the measured window (local ms). */
    readonly from: number,
    /** End of the measured window (local ms). */
    readonly to: number,
  ) {}

  inWindow(t: number): boolean {
    return t >= this.from && t < this.to;
  }

  latency(ms: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = ms;
  }

  refusal(reason: string): void {
    this.refused++;
    if (this.refusals.length < MAX_REFUSALS_KEPT) this.refusals.push(reason);
  }

  /** `undelivered`: deliveries of measured messages still missing when the phase ends. */
  report(undelivered: number): PhaseReport {
    return {
      sent: this.sent,
      accepted: this.accepted,
      deliveries: this.deliveries,
      latencies: this.samples.slice(0, this.count),
      refused: this.refused,
      refusals: [...this.refusals],
      skipped: this.skipped,
      lost: this.lost + undelivered,
    };
  }
}
