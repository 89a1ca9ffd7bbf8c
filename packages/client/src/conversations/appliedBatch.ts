/**
 * Application messages of one fetched page, persisted together (SPEC WB24).
 * Each message still moves the group state on in memory, in log order; the
 * batch keeps what they change and writes it in one atomic `write`: the
 * last state (one delta against the stored one, store/groupStateParts.ts
 * chainStates), the applied position and every message of the batch. So a
 * crash leaves either the state before the batch or the state after it with
 * all its messages (ST42, DS4): never a message without the state that read
 * it. What each message tells the app (events, receipts) runs once the batch
 * is stored, in order, as it did after each write.
 *
 * Receiving a backlog in the browser was one IndexedDB write per message,
 * each with a read of the stored version and a sealed part
 * (bench/README.md, 2026-12-07 morning). Reads made while the batch is open
 * go through `view`, which sees the batch's own messages and meta values.
 * Loaded with the first catch-up, not with the page (SPEC WB16).
 */
import { chainStates } from "../store/chainStates.js";
import type { LocalConversation, LocalMessage, LocalStore, LocalWrite } from "../store/port.js";

/** Messages at most per write: the screen shows a batch once it is stored. */
export const MAX_BATCH = 32;

const messageKey = (conversationId: string, id: string) => `${conversationId}\u0000${id}`;

export class AppliedBatch {
  /** The stored state version the batch started from. */
  private base: string | undefined;
  private readonly conversations: LocalConversation[] = [];
  private writes: LocalWrite[] = [];
  private readonly after: (() => void)[] = [];
  private readonly messages = new Map<string, LocalMessage | null>();
  private readonly meta = new Map<string, string>();
  /** The store as it will be once the batch is written. */
  readonly view: LocalStore;
  /** A write of this batch failed: what it held is not stored, and the entries must not count as applied. */
  failed = false;

  constructor(
    private readonly store: LocalStore,
    private readonly limit = MAX_BATCH,
  ) {
    this.view = new Proxy(store, {
      get: (target, name) => {
        if (name === "hasMessage")
          return async (conversationId: string, id: string) =>
            this.pendingMessage(conversationId, id) !== undefined
              ? this.pendingMessage(conversationId, id) !== null
              : target.hasMessage(conversationId, id);
        if (name === "getMessage")
          return async (conversationId: string, id: string) => {
            const pending = this.pendingMessage(conversationId, id);
            return pending === undefined ? target.getMessage(conversationId, id) : (pending ?? undefined);
          };
        if (name === "getMeta") return async (key: string) => this.meta.get(key) ?? target.getMeta(key);
        const value: unknown = Reflect.get(target, name);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /**
   * One entry applied: `from` is the conversation as it was before it (the
   * stored one, for the first of a batch), `to` after it. `after` runs once
   * the batch is stored.
   */
  add(from: LocalConversation, to: LocalConversation, writes: LocalWrite[], after: () => void): void {
    if (this.conversations.length === 0) this.base = from.groupState.version;
    this.conversations.push(to);
    this.writes.push(...writes);
    this.after.push(after);
    for (const write of writes) {
      if (write.kind === "putMessage")
        this.messages.set(messageKey(write.message.conversationId, write.message.id), write.message);
      else if (write.kind === "deleteMessage")
        this.messages.set(messageKey(write.conversationId, write.id), null);
      else if (write.kind === "setMeta") this.meta.set(write.key, write.value);
    }
  }

  get full(): boolean {
    return this.conversations.length >= this.limit;
  }

  /** Store what the batch holds, then run what each entry tells the app. */
  async flush(): Promise<void> {
    const last = this.conversations.at(-1);
    if (last === undefined) return;
    const groupState = chainStates(
      this.base,
      this.conversations.map((c) => c.groupState),
    );
    const writes: LocalWrite[] = [
      { kind: "putConversation", conversation: { ...last, groupState } },
      ...this.writes,
    ];
    const after = this.after.splice(0);
    this.conversations.length = 0;
    this.writes = [];
    this.messages.clear();
    this.meta.clear();
    try {
      await this.store.write(writes);
    } catch (err) {
      this.failed = true;
      throw err;
    }
    for (const tell of after) tell();
  }

  /** A message put (or deleted: null) in this batch, undefined when the batch has none. */
  private pendingMessage(conversationId: string, id: string): LocalMessage | null | undefined {
    return this.messages.get(messageKey(conversationId, id));
  }
}
