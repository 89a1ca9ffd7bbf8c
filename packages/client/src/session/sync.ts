/**
 * Bringing this device up to date after login: Welcomes from the inbox, the
 * hub's list of conversations, everything after this device's position in
 * each, then cursor acks and the outbox. One sync runs at a time.
 */
import { ConversationKind, type InboxItem } from "@switchboard/protocol";
import type { Applier } from "../conversations/applier.js";
import type { Outbox } from "../conversations/outbox.js";
import type { DeviceIdentity } from "../mls/engine.js";
import type { LocalConversation, LocalStore } from "../store/port.js";
import type { RpcSession } from "./rpc.js";
import type { Call } from "./call.js";
import { listAllConversations } from "./pages.js";
import { removedSelfEvent, type GroupEvent } from "../conversations/groups/events.js";
import { endMembership } from "../conversations/groups/removal.js";

export interface SyncerDeps {
  store: LocalStore;
  outbox: Outbox;
  identity(): DeviceIdentity;
  applier(): Applier;
  /** Act on one inbox item (a Welcome, a message from another own device), in inbox order. */
  acceptInbox(item: InboxItem): Promise<void>;
  /** The link's open session, if any (for the debounced ack). */
  currentSession(): RpcSession | undefined;
  onError(err: unknown, context: string): void;
  /** [GR5] This device learnt from the hub's listing that it is no longer in a conversation. */
  onGroupEvent(event: GroupEvent): void;
  clock(): number;
  /** A conversation's record changed here (its kind and peer learnt from the hub). */
  onConversation(conversation: LocalConversation): void;
}

export class Syncer {
  private syncing: Promise<void> | undefined;
  /** A sync was asked for while one ran: run again once it ends. */
  private again = false;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: SyncerDeps) {}

  /** The sync in flight, if any. */
  get running(): Promise<void> | undefined {
    return this.syncing;
  }

  /**
   * The full sync. Asked while one runs, it runs once more after it, and the
   * caller's promise covers both: what the running one listed may predate
   * what the caller knows. A Welcome pushed during a sync asks for one, to
   * learn from the hub's listing that the conversation is a direct chat and
   * with whom; joining the running sync instead left it a nameless group
   * (a web test's chat row never showed its peer's name, under load).
   */
  run(session: RpcSession): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        let current = session;
        do {
          this.again = false;
          await this.once(current);
          // A reconnect meanwhile: the next pass goes over the new session.
          current = this.deps.currentSession() ?? current;
        } while (this.again);
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private async once(session: RpcSession): Promise<void> {
    const applier = this.deps.applier();
    let afterId = 0n;
    for (;;) {
      const inbox = await session.call("fetchInbox", { afterId, limit: 200 });
      for (const item of inbox.items) {
        await this.deps
          .acceptInbox(item)
          .catch((err: unknown) => this.deps.onError(err, `inbox item ${item.id}`));
        afterId = item.id;
      }
      if (inbox.items.length > 0) await session.call("ackInbox", { upToId: afterId });
      if (!inbox.hasMore) break;
    }
    const call: Call = (op, value) => session.call(op, value);
    const askedAt = this.deps.clock();
    const listed = await listAllConversations(call);
    await this.endUnlisted(new Set(listed.map((c) => c.id)), askedAt);
    for (const summary of listed) {
      const local = await this.deps.store.getConversation(summary.id);
      if (!local) continue;
      await this.reconcile(
        local,
        summary.kind === ConversationKind.DIRECT ? "direct" : "group",
        summary.participants,
      );
      if (local.active && Number(summary.lastSeq) > local.appliedSeq) await applier.catchUp(summary.id);
    }
    await this.ackAll(session);
    await this.deps.outbox.flush();
  }

  /**
   * [GR5] A conversation this device holds as active that the hub no longer
   * lists: the device was removed while it was away (the hub lets a
   * non-member read nothing, so the commit that removed it cannot be
   * fetched). It ends here, its outbox cleared, instead of failing every
   * later send and sync.
   */
  private async endUnlisted(listed: ReadonlySet<string>, askedAt: number): Promise<void> {
    for (const local of await this.deps.store.listConversations()) {
      // One joined since the listing was asked for (a Welcome pushed meanwhile) is not in it yet.
      if (!local.active || listed.has(local.id) || local.createdAt >= askedAt) continue;
      const now = this.deps.clock();
      await endMembership(this.deps.store, local, now);
      this.deps.onGroupEvent(removedSelfEvent(local.id, this.deps.identity().address, now, local.appliedSeq));
    }
  }

  /** Ack cursors shortly after pushes are applied, once for a burst of them. */
  scheduleAck(): void {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      const session = this.deps.currentSession();
      if (session) this.ackAll(session).catch(() => {});
    }, 50);
  }

  cancelAck(): void {
    clearTimeout(this.ackTimer);
  }

  /** Learn a joined conversation's kind (and a direct one's peer) from the hub's listing. */
  private async reconcile(
    local: LocalConversation,
    kind: "direct" | "group",
    participants: string[],
  ): Promise<void> {
    const self = this.deps.identity().address;
    const peer = kind === "direct" ? (participants.find((p) => p !== self) ?? self) : null;
    if (local.kind === kind && local.peer === peer) return;
    const latest = await this.deps.store.getConversation(local.id);
    if (!latest) return;
    const learnt = { ...latest, kind, peer };
    await this.deps.store.write([{ kind: "putConversation", conversation: learnt }]);
    // A direct chat joined by Welcome was a nameless group until now: views that listed it must hear.
    this.deps.onConversation(learnt);
  }

  private async ackAll(session: RpcSession): Promise<void> {
    const cursors = (await this.deps.store.listConversations()).map((c) => ({
      conversationId: c.id,
      seq: BigInt(c.appliedSeq),
    }));
    for (let i = 0; i < cursors.length; i += 500)
      await session.call("ack", { cursors: cursors.slice(i, i + 500) });
  }
}
