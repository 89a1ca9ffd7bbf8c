/**
 * The expiry sweeper (SPEC XP5, XP6): deletes every message whose time is up
 * from the store, with its reactions and its search entry (one deleteMessage
 * write each, in the conversation's queue so it never races the applier),
 * then scrubs the store so the text is in no file. Time comes from the
 * injected clock; `start` only decides when to look again.
 */
import type { SerialQueue } from "../conversations/serialQueue.js";
import type { MessageExpiryStore } from "../store/expiryPort.js";
import type { LocalMessage, LocalStore } from "../store/port.js";

export interface SweeperDeps {
  store: LocalStore & MessageExpiryStore;
  queue: SerialQueue;
  clock(): number;
  /** One message expired and is gone from this device. */
  expired(message: LocalMessage): void;
  onError(err: unknown): void;
}

export interface SweeperTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Messages deleted per store call: a long backlog goes in several short writes. */
const SWEEP_BATCH = 200;
/** The longest a started sweeper waits before it looks again (an expiry stored meanwhile). */
const MAX_WAIT_MS = 60_000;

export class ExpirySweeper {
  private handle: unknown;
  private running: Promise<number> | undefined;

  constructor(
    private readonly deps: SweeperDeps,
    private readonly timers: SweeperTimers = globalThis as unknown as SweeperTimers,
  ) {}

  /** Delete everything expired now; resolves to how many messages went. */
  sweep(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Sweep now and again whenever the next message is due (at least every minute) until stop(). */
  start(): void {
    if (this.handle !== undefined) return;
    this.schedule(0);
  }

  stop(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private schedule(ms: number): void {
    this.handle = this.timers.setTimeout(() => {
      this.sweep()
        .then(() => this.deps.store.nextExpiry())
        .then(
          (next) => this.again(next),
          (err: unknown) => {
            this.deps.onError(err);
            this.again(null);
          },
        );
    }, ms);
    (this.handle as { unref?: () => void } | undefined)?.unref?.();
  }

  private again(next: number | null): void {
    if (this.handle === undefined) return;
    const wait = next === null ? MAX_WAIT_MS : Math.max(0, next - this.deps.clock());
    this.schedule(Math.min(wait, MAX_WAIT_MS));
  }

  private async pass(): Promise<number> {
    const { store, queue } = this.deps;
    let deleted = 0;
    for (;;) {
      const now = this.deps.clock();
      const due = await store.listExpiredMessages(now, SWEEP_BATCH);
      const before = deleted;
      for (const message of due) {
        const gone = await queue.run(message.conversationId, async () => {
          const current = await store.getMessage(message.conversationId, message.id);
          if (current?.expiresAt == null || current.expiresAt > now) return false;
          await store.write([
            { kind: "deleteMessage", conversationId: message.conversationId, id: message.id },
          ]);
          return true;
        });
        if (gone) {
          deleted++;
          this.deps.expired(message);
        }
      }
      if (due.length < SWEEP_BATCH || deleted === before) break;
    }
    if (deleted > 0) await store.scrub();
    return deleted;
  }
}
