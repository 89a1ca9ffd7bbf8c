/**
 * Disappearing messages and search, as one module the client exposes as
 * `client.expiry` (SPEC XP1-XP8): the conversation's timer (in the MLS group
 * context, changed by a commit, so every member agrees), the sweeper that
 * deletes expired messages, and full-text search over what is stored.
 */
import type { Committer } from "../conversations/commits.js";
import { requireConversation } from "../conversations/requireConversation.js";
import type { SerialQueue } from "../conversations/serialQueue.js";
import { ClientError } from "../errors.js";
import type { GroupEngine, GroupMember, GroupState } from "../mls/engine.js";
import { TIMER_EXTENSION } from "../mls/groupExtensions.js";
import { supportsExpiry } from "../store/expiryPort.js";
import type { LocalMessage, LocalStore } from "../store/port.js";
import { supportsSearch } from "../store/searchPort.js";
import { conversationTimer } from "./conversationTimer.js";
import { ExpirySweeper, type SweeperTimers } from "./sweeper.js";
import { decodeTimer, encodeTimer, isTimerChoice } from "./timer.js";

/** [XP3] The timer changed: by whom (null: not known), to what (null: off), at which commit. */
export interface TimerChange {
  conversationId: string;
  by: string | null;
  seconds: number | null;
  seq: number;
  at: number;
}

/** How many timer changes a conversation's history keeps (older ones are dropped). */
const MAX_KEPT_CHANGES = 100;
const timersKey = (conversationId: string) => `expiry.timers.${conversationId}`;

export interface DisappearingDeps {
  store: LocalStore;
  engine: GroupEngine;
  queue: SerialQueue;
  committer: Committer;
  address(): string;
  clock(): number;
  timerChanged(change: TimerChange): void;
  expired(message: LocalMessage): void;
  onError(err: unknown): void;
  timers?: SweeperTimers;
}

export class Disappearing {
  private readonly sweeper: ExpirySweeper | undefined;

  constructor(private readonly deps: DisappearingDeps) {
    const store = deps.store;
    this.sweeper = supportsExpiry(store)
      ? new ExpirySweeper(
          {
            store,
            queue: deps.queue,
            clock: () => deps.clock(),
            expired: (message) => deps.expired(message),
            onError: (err) => deps.onError(err),
          },
          deps.timers,
        )
      : undefined;
  }

  /** The conversation's timer in seconds, null when off. */
  async timer(conversationId: string): Promise<number | null> {
    return conversationTimer(this.deps.engine, await requireConversation(this.deps.store, conversationId));
  }

  /**
   * [XP2] Set the timer (seconds from TIMER_CHOICES, null: off) by a commit.
   * Resolves to the change, or null when the timer already had that value.
   */
  async setTimer(conversationId: string, seconds: number | null): Promise<TimerChange | null> {
    if (!isTimerChoice(seconds))
      throw new ClientError("INVALID_ARGUMENT", "the timer is off, 5 min, 1 h, 1 d, 7 d or 90 d");
    const landed = await this.deps.committer.commitChange(conversationId, async (conversation) => {
      if (!conversation.active)
        throw new ClientError("NOT_A_MEMBER", "this device is no longer in the conversation");
      if (conversationTimer(this.deps.engine, conversation) === seconds) return null;
      return {
        add: [],
        removeDeviceIds: [],
        extensions: [{ type: TIMER_EXTENSION, data: encodeTimer(seconds) }],
      };
    });
    if (landed === null) return null;
    const change: TimerChange = {
      conversationId,
      by: this.deps.address(),
      seconds,
      seq: landed.seq,
      at: this.deps.clock(),
    };
    await this.record(change);
    return change;
  }

  /** [XP3] A commit from the log was applied: tell the app when it changed the timer. */
  commitApplied(
    conversationId: string,
    before: GroupState,
    after: GroupState,
    by: GroupMember | null,
    entry: { seq: number; serverTime: number },
  ): void {
    const was = decodeTimer(this.deps.engine.groupExtension(before, TIMER_EXTENSION));
    const now = decodeTimer(this.deps.engine.groupExtension(after, TIMER_EXTENSION));
    if (was === now) return;
    const change = {
      conversationId,
      by: by?.address ?? null,
      seconds: now,
      seq: entry.seq,
      at: entry.serverTime,
    };
    // Called inside the conversation's queue: recorded right after this commit, before the next entry.
    void this.record(change).catch((err: unknown) => this.deps.onError(err));
  }

  /** [XP3] The timer's changes this device saw in a conversation, in log order (the last 100). */
  async timerChanges(conversationId: string): Promise<TimerChange[]> {
    const stored = await this.deps.store.getMeta(timersKey(conversationId));
    return stored === undefined ? [] : (JSON.parse(stored) as TimerChange[]);
  }

  /** Keep the change for history (in the conversation's queue, so in log order), then tell the app. */
  private async record(change: TimerChange): Promise<void> {
    await this.deps.queue.run(change.conversationId, async () => {
      const kept = (await this.timerChanges(change.conversationId)).filter((c) => c.seq !== change.seq);
      const value = JSON.stringify([...kept, change].sort((a, b) => a.seq - b.seq).slice(-MAX_KEPT_CHANGES));
      await this.deps.store.write([{ kind: "setMeta", key: timersKey(change.conversationId), value }]);
    });
    this.deps.timerChanged(change);
  }

  /** [XP8] Messages whose text has every word of `text` (by word prefix), newest first. */
  async search(text: string, options: { limit?: number } = {}): Promise<LocalMessage[]> {
    const store = this.deps.store;
    if (!supportsSearch(store)) throw new ClientError("INVALID_ARGUMENT", "this store cannot search");
    return store.searchMessages(text, options);
  }

  /** [XP5] Delete every expired message now; resolves to how many went. */
  async sweep(): Promise<number> {
    return this.sweeper ? this.sweeper.sweep() : 0;
  }

  /** Sweep whenever a message is due, until stop() (the client's close stops it too). */
  start(): void {
    this.sweeper?.start();
  }

  stop(): void {
    this.sweeper?.stop();
  }
}

/** The module as the client builds it: its events go out as `timer` and `expired`. */
export function disappearingFor(
  parts: { store: LocalStore; engine: GroupEngine; queue: SerialQueue; committer: Committer },
  events: {
    on(event: "delete", listener: () => void): unknown;
    emit(event: "timer", value: TimerChange): void;
    emit(event: "expired", value: LocalMessage): void;
    emit(event: "error", value: { error: unknown; context: string }): void;
  },
  address: () => string,
  clock: () => number,
): Disappearing {
  // [XP6] a message another member deleted for everyone leaves the files too.
  const store = parts.store;
  if (supportsExpiry(store))
    events.on("delete", () => {
      store.scrub().catch((error: unknown) => events.emit("error", { error, context: "scrub" }));
    });
  return new Disappearing({
    ...parts,
    address,
    clock,
    timerChanged: (change) => events.emit("timer", change),
    expired: (message) => events.emit("expired", message),
    onError: (error) => events.emit("error", { error, context: "expiry sweeper" }),
  });
}
