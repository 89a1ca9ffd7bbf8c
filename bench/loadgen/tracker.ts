/**
 * Matches one conversation's sends with their deliveries. The hub names a
 * message by the seq in its acknowledgement and in the pushed LogEntry, and
 * a push may arrive before the ack (the hub publishes, then answers), so
 * deliveries whose seq is not yet known wait in `early`.
 *
 * A message is complete once it is acknowledged and every receiver has it;
 * only then does it leave the sender's window. Messages the system never
 * delivers (the hub drops pushes to a slow reader) expire after a while so a
 * closed loop cannot stall.
 */
import type { PhaseRecorder } from "./recorder.js";

/** One message on its way; opaque to callers. */
export interface Outstanding {
  sentAt: number;
  recorder: PhaseRecorder;
  /** Sent during the measured window: its deliveries' latencies count. */
  measured: boolean;
  acked: boolean;
  remaining: number;
}

/** How long a message may stay undelivered before it is counted lost. */
export const EXPIRE_MS = 5000;

export class ConversationTracker {
  private readonly live = new Set<Outstanding>();
  private readonly bySeq = new Map<number, Outstanding>();
  private readonly early = new Map<number, number[]>();

  constructor(
    private readonly receivers: number,
    public recorder: PhaseRecorder,
    private readonly onComplete: () => void,
  ) {}

  /** Messages sent and not yet complete. */
  get inFlight(): number {
    return this.live.size;
  }

  /** Measured messages not yet complete (for the drain and the `lost` count). */
  get measuredInFlight(): number {
    let n = 0;
    for (const o of this.live) if (o.measured && o.recorder === this.recorder) n += o.remaining;
    return n;
  }

  sent(sentAt: number): Outstanding {
    const measured = this.recorder.inWindow(sentAt);
    if (measured) this.recorder.sent++;
    const o: Outstanding = {
      sentAt,
      recorder: this.recorder,
      measured,
      acked: false,
      remaining: this.receivers,
    };
    this.live.add(o);
    return o;
  }

  accepted(o: Outstanding, seq: number, at: number): void {
    if (!this.live.has(o)) return;
    if (this.recorder.inWindow(at)) this.recorder.accepted++;
    o.acked = true;
    this.bySeq.set(seq, o);
    const waiting = this.early.get(seq);
    if (waiting) {
      this.early.delete(seq);
      for (const receivedAt of waiting) this.deliver(o, receivedAt);
    }
    this.completeIfDone(o, seq);
  }

  refused(o: Outstanding, reason: string): void {
    if (!this.live.delete(o)) return;
    o.recorder.refusal(reason);
    this.onComplete();
  }

  delivered(seq: number, receivedAt: number): void {
    if (this.recorder.inWindow(receivedAt)) this.recorder.deliveries++;
    const o = this.bySeq.get(seq);
    if (!o) {
      const waiting = this.early.get(seq);
      if (waiting) waiting.push(receivedAt);
      else this.early.set(seq, [receivedAt]);
      return;
    }
    this.deliver(o, receivedAt);
    this.completeIfDone(o, seq);
  }

  /** Give up on messages older than EXPIRE_MS; their missing deliveries count as lost. */
  expire(now: number): void {
    for (const o of this.live) {
      if (now - o.sentAt < EXPIRE_MS) continue;
      if (o.measured) o.recorder.lost += o.remaining;
      this.live.delete(o);
      this.onComplete();
    }
    for (const [seq, o] of this.bySeq) if (!this.live.has(o)) this.bySeq.delete(seq);
    for (const [seq, times] of this.early) if (now - times[0]! >= EXPIRE_MS) this.early.delete(seq);
  }

  private deliver(o: Outstanding, receivedAt: number): void {
    o.remaining--;
    if (o.measured && o.recorder === this.recorder) this.recorder.latency(receivedAt - o.sentAt);
  }

  private completeIfDone(o: Outstanding, seq: number): void {
    if (!o.acked || o.remaining > 0) return;
    this.bySeq.delete(seq);
    if (this.live.delete(o)) this.onComplete();
  }
}
