/**
 * Applies what the hub delivers to this device's local state, in log order:
 * commits move the MLS group on, application messages are decrypted into
 * messages, Welcomes create conversations. Each step is persisted atomically
 * (group state + position + message) before anything is shown ([DS4]: each
 * entry at least once from the hub, exactly once to the user).
 */
import { EntryKind, ProtocolError, mayManage, type InboxItem, type LogEntry } from "@switchboard/protocol";
import type { DeviceIdentity, GroupEngine, GroupMember, GroupState } from "../mls/engine.js";
import type { LocalConversation, LocalMessage, LocalStore, LocalWrite } from "../store/port.js";
import { interpretContent, type ContentEvent } from "../content/interpret.js";
import { isDecline } from "../people/content.js";
import type { AppliedBatch } from "./appliedBatch.js";
import { incomingContent, type ContentNotice } from "./incomingContent.js";
import type { SerialQueue } from "./serialQueue.js";
import type { GroupChange } from "./groups/events.js";
import { endMembership } from "./groups/removal.js";
import { OwnSeqs, placeEntry } from "./ordering.js";

export interface ApplierDeps {
  store: LocalStore;
  engine: GroupEngine;
  identity: DeviceIdentity;
  queue: SerialQueue;
  /** Entries after `afterSeq`, in order (one page). */
  fetch(conversationId: string, afterSeq: number): Promise<{ entries: LogEntry[]; hasMore: boolean }>;
  onMessage(message: LocalMessage): void;
  /** Every decrypted application message, after it was applied (receipt batches are read there, SPEC RS5). */
  onPlaintext?(conversationId: string, plaintext: Uint8Array, sender: GroupMember, serverTime: number): void;
  /** A reaction, an edit or a delete for everyone changed a stored message (SPEC CT5-CT7). */
  onContent(notice: Exclude<ContentNotice, { kind: "message" | "title" }>): void;
  onConversation(conversation: LocalConversation): void;
  /** A commit changed the group (members, settings): what people are told (SPEC GR4, and "Bob added a new device"). */
  onGroupChange(change: GroupChange): void;
  /** [GR6] A member proposed to leave: commit it soon (outside this queue), so the group moves on. */
  onLeaveProposal(conversationId: string): void;
  /** A commit from the log moved the group on (SPEC XP3: a timer change is told from it). */
  onCommitApplied?(
    conversationId: string,
    before: GroupState,
    after: GroupState,
    by: GroupMember | null,
    entry: { seq: number; serverTime: number },
  ): void;
  onError(err: unknown, context: string): void;
  /**
   * [DS12] The hub pruned entries this device had not fetched yet (from
   * `firstSeq` on they are stored): rejoin the conversation (rejoin.ts) and
   * resolve to it as stored; the queue for it is already held.
   */
  historyExpired(conversation: LocalConversation, firstSeq: number): Promise<LocalConversation>;
  clock(): number;
}

export class Applier {
  /** [CT14] Own acknowledged seqs ahead of the applied position (ordering.ts). */
  private readonly ownSeqs = new OwnSeqs();
  /** Per conversation, entries pushed while it was busy, applied together by one run. */
  private readonly waiting = new Map<string, { entries: LogEntry[]; applied: Promise<void> }>();

  constructor(private readonly deps: ApplierDeps) {}

  /** The hub acknowledged our own application message at `seq` (and will not push it to us). */
  acknowledgedOwn(conversationId: string, seq: number): Promise<void> {
    return this.deps.queue.run(conversationId, async () => {
      const conversation = await this.deps.store.getConversation(conversationId);
      if (!conversation?.active || seq <= conversation.appliedSeq) return;
      this.ownSeqs.add(conversationId, seq);
      const passed = this.ownSeqs.pass(conversationId, conversation.appliedSeq);
      if (passed === conversation.appliedSeq) return;
      const advanced: LocalConversation = {
        ...conversation,
        appliedSeq: passed,
        updatedAt: this.deps.clock(),
      };
      await this.deps.store.write([{ kind: "putConversation", conversation: advanced }]);
    });
  }

  /**
   * Apply pushed or fetched entries; fills any gap before them from the hub first.
   * [WB24] Entries pushed while the conversation is busy wait and are applied
   * together, their new messages stored in batches (appliedBatch.ts).
   */
  applyEntries(conversationId: string, entries: LogEntry[]): Promise<void> {
    const waiting = this.waiting.get(conversationId);
    if (waiting) {
      waiting.entries.push(...entries);
      return waiting.applied;
    }
    const run = { entries: [...entries], applied: Promise.resolve() };
    this.waiting.set(conversationId, run);
    run.applied = this.deps.queue.run(conversationId, () => {
      // Entries pushed from now on wait for the next run.
      this.waiting.delete(conversationId);
      return this.applyWaiting(conversationId, run.entries);
    });
    return run.applied;
  }

  private async applyWaiting(conversationId: string, entries: LogEntry[]): Promise<void> {
    const { store } = this.deps;
    const stored = await store.getConversation(conversationId);
    if (!stored?.active) return;
    const { AppliedBatch } = await import("./appliedBatch.js");
    const batch = new AppliedBatch(store);
    let current = this.passOwn(stored, batch);
    for (const entry of entries) {
      if (!current.active) break;
      const seq = Number(entry.seq);
      const placement = placeEntry(current.appliedSeq, seq);
      if (placement === "applied") continue;
      if (placement === "gap") {
        await batch.flush();
        await this.catchUpLocked(conversationId, seq - 1);
        const after = await store.getConversation(conversationId);
        if (!after?.active) return;
        current = after;
        if (seq <= after.appliedSeq) continue;
      }
      current = this.passOwn(await this.applyOne(current, entry, batch), batch);
      if (batch.full) await batch.flush();
    }
    await batch.flush();
  }

  /**
   * Move past the acknowledged own seqs that directly follow the applied
   * position (in the batch's write); forget those already behind it.
   */
  private passOwn(conversation: LocalConversation, batch: AppliedBatch): LocalConversation {
    const seq = this.ownSeqs.pass(conversation.id, conversation.appliedSeq);
    if (seq === conversation.appliedSeq || !conversation.active) return conversation;
    const advanced: LocalConversation = { ...conversation, appliedSeq: seq, updatedAt: this.deps.clock() };
    batch.add(conversation, advanced, [], () => {});
    return advanced;
  }

  /** Fetch and apply everything after this device's position. */
  catchUp(conversationId: string): Promise<void> {
    return this.deps.queue.run(conversationId, () =>
      this.catchUpLocked(conversationId, Number.MAX_SAFE_INTEGER),
    );
  }

  /** Join a conversation from a Welcome, then catch up from the commit that added us. */
  async acceptWelcome(item: InboxItem): Promise<void> {
    const conversationId = item.conversationId;
    await this.deps.queue.run(conversationId, async () => {
      const existing = await this.deps.store.getConversation(conversationId);
      if (existing?.active) return;
      const { store, engine, identity } = this.deps;
      const joined = await engine.joinFromWelcome(identity, item.payload, async (ref) => {
        const kp = await store.getKeyPackage(ref);
        return kp
          ? { ref: kp.ref, publicMessage: kp.publicMessage, privateState: kp.privateState }
          : undefined;
      });
      const used = await store.getKeyPackage(joined.usedKeyPackageRef);
      const participants = participantsOf(engine, joined.state);
      const now = this.deps.clock();
      const conversation: LocalConversation = {
        id: conversationId,
        kind: "group",
        title: existing?.title ?? "",
        peer: null,
        participants,
        groupState: engine.saveState(joined.state),
        epoch: joined.state.epoch,
        appliedSeq: Number(item.seq),
        active: true,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      const writes: LocalWrite[] = [{ kind: "putConversation", conversation }];
      // RFC 9420 §16.8: a one-time key package is deleted once used; the last-resort one is kept.
      if (used && !used.lastResort) writes.push({ kind: "deleteKeyPackage", ref: used.ref });
      await store.write(writes);
      this.deps.onConversation(conversation);
      await this.catchUpLocked(conversationId, Number.MAX_SAFE_INTEGER);
    });
  }

  private async catchUpLocked(conversationId: string, untilSeq: number): Promise<void> {
    for (;;) {
      const conversation = await this.deps.store.getConversation(conversationId);
      if (!conversation?.active || conversation.appliedSeq >= untilSeq) return;
      let page: Awaited<ReturnType<ApplierDeps["fetch"]>>;
      try {
        page = await this.deps.fetch(conversationId, conversation.appliedSeq);
      } catch (err) {
        if (!(err instanceof ProtocolError) || err.code !== "HISTORY_EXPIRED") throw err;
        const rejoined = await this.deps.historyExpired(conversation, err.details.firstSeq ?? 0);
        // A rejoin that did not move us past where we were would ask for the same pruned entries again.
        if (rejoined.appliedSeq <= conversation.appliedSeq) throw err;
        continue;
      }
      let current = conversation;
      // [WB24] A page's application messages are stored in batches, not one write each.
      const { AppliedBatch } = await import("./appliedBatch.js");
      const batch = new AppliedBatch(this.deps.store);
      for (const entry of page.entries) {
        if (Number(entry.seq) > untilSeq || !current.active) break;
        if (placeEntry(current.appliedSeq, Number(entry.seq)) === "applied") continue;
        current = await this.applyOne(current, entry, batch);
        if (batch.full) await batch.flush();
      }
      await batch.flush();
      if (!page.hasMore || page.entries.length === 0) return;
    }
  }

  private async applyOne(
    conversation: LocalConversation,
    entry: LogEntry,
    batch?: AppliedBatch,
  ): Promise<LocalConversation> {
    const seq = Number(entry.seq);
    const advanced: LocalConversation = { ...conversation, appliedSeq: seq, updatedAt: this.deps.clock() };
    try {
      if (entry.kind === EntryKind.APPLICATION) return await this.applyApplication(advanced, entry, batch);
      await batch?.flush();
      if (entry.kind === EntryKind.COMMIT) return await this.applyCommit(advanced, entry);
      if (entry.kind === EntryKind.PROPOSAL) return await this.applyProposal(advanced, entry);
      return await this.applyApplication(advanced, entry);
    } catch (err) {
      // What a batch held is not stored: its entries are not applied, and nothing after them is.
      if (batch?.failed) throw err;
      // An entry we cannot process must not wedge the conversation: record the
      // position and report it. MLS keeps our state unchanged on failure.
      this.deps.onError(err, `conversation ${conversation.id} seq ${seq}`);
      await batch?.flush();
      await this.deps.store.write([{ kind: "putConversation", conversation: advanced }]);
      return advanced;
    }
  }

  private async applyCommit(conversation: LocalConversation, entry: LogEntry): Promise<LocalConversation> {
    const { engine, identity, store } = this.deps;
    // Exactly one commit per epoch exists, so a commit for an epoch we have
    // passed is one we already applied (our own, adopted when accepted).
    if (Number(entry.epoch) < conversation.epoch) {
      await store.write([{ kind: "putConversation", conversation }]);
      return conversation;
    }
    const before = engine.loadState(conversation.groupState);
    const membersBefore = engine.members(before);
    const settingsBefore = engine.settings(before);
    const result = await engine.process(identity, before, entry.payload);
    if (result.kind !== "commit") throw new Error("expected a commit");
    const titled = conversation;
    let next: LocalConversation;
    if (result.removedSelf) {
      // [GR5] removed: nothing queued for this conversation can be sent any more.
      next = await endMembership(store, titled, this.deps.clock());
    } else {
      next = {
        ...titled,
        groupState: engine.saveState(result.newState),
        epoch: result.newState.epoch,
        participants: participantsOf(engine, result.newState),
      };
      await store.write([{ kind: "putConversation", conversation: next }]);
    }
    this.deps.onConversation(next);
    const membersAfter = result.removedSelf
      ? membersBefore.filter((m) => !result.removedDevices.includes(m.deviceId))
      : engine.members(result.newState);
    this.deps.onGroupChange({
      conversationId: conversation.id,
      by: result.sender?.address ?? null,
      seq: Number(entry.seq),
      at: Number(entry.serverTime),
      membersBefore,
      membersAfter,
      settingsBefore,
      settingsAfter: result.settings,
      leftDevices: result.leftDevices,
    });
    if (!result.removedSelf) {
      const at = { seq: Number(entry.seq), serverTime: Number(entry.serverTime) };
      this.deps.onCommitApplied?.(conversation.id, before, result.newState, result.sender, at);
    }
    return next;
  }

  /**
   * The hub's proposal to remove a revoked device ([DS9]): kept pending in the
   * group state; the next commit (the revoking device's, or whoever sends
   * next) includes it. A proposal for an epoch we have passed was already
   * dealt with by the commit that ended that epoch.
   */
  private async applyProposal(conversation: LocalConversation, entry: LogEntry): Promise<LocalConversation> {
    const { engine, identity, store } = this.deps;
    if (Number(entry.epoch) !== conversation.epoch) {
      await store.write([{ kind: "putConversation", conversation }]);
      return conversation;
    }
    const result = await engine.process(identity, engine.loadState(conversation.groupState), entry.payload);
    if (result.kind !== "proposal") throw new Error("expected a proposal");
    const next: LocalConversation = { ...conversation, groupState: engine.saveState(result.newState) };
    await store.write([{ kind: "putConversation", conversation: next }]);
    if (result.byMember) this.deps.onLeaveProposal(conversation.id);
    return next;
  }

  private async applyApplication(
    conversation: LocalConversation,
    entry: LogEntry,
    batch?: AppliedBatch,
  ): Promise<LocalConversation> {
    const { engine, identity } = this.deps;
    // A sender cannot decrypt its own PrivateMessage (its ratchet moved on);
    // it stored the message when sending.
    if (entry.senderDeviceId === identity.deviceId) {
      if (batch) batch.add(conversation, conversation, [], () => {});
      else await this.deps.store.write([{ kind: "putConversation", conversation }]);
      return conversation;
    }
    const result = await engine.process(identity, engine.loadState(conversation.groupState), entry.payload);
    if (result.kind !== "application") throw new Error("expected an application message");
    const advanced: LocalConversation = { ...conversation, groupState: engine.saveState(result.newState) };
    const interpreted = interpretContent(result.plaintext, {
      senderAddress: result.sender.address,
      conversationId: conversation.id,
      serverTime: Number(entry.serverTime),
    });
    // [GR8] a title is taken from someone who may manage the group (anyone in a group
    // from before settings), or as the first one a joiner hears.
    const settled =
      interpreted.ok &&
      interpreted.event.kind === "groupProfile" &&
      conversation.title !== "" &&
      !mayManage(engine.settings(result.newState), result.sender.address);
    const content = interpreted.ok && !settled ? interpreted.event : undefined;
    // [WB24] New messages join the batch; a change to a stored message (a reaction, an edit, a
    // delete), a title or a decline reads what the batch holds, so the batch is stored first.
    const batched = batch !== undefined && (content === undefined || batchable(content));
    if (batch && !batched) await batch.flush();
    const outcome = content
      ? await incomingContent(batched ? batch.view : this.deps.store, advanced, content, {
          seq: Number(entry.seq),
          serverTime: Number(entry.serverTime),
          senderAddress: result.sender.address,
          senderDeviceId: result.sender.deviceId,
          outgoing: result.sender.address === identity.address,
        })
      : { writes: [], conversation: advanced };
    const next = outcome.conversation;
    const tell = () => {
      this.deps.onPlaintext?.(conversation.id, result.plaintext, result.sender, Number(entry.serverTime));
      if (!interpreted.ok)
        this.deps.onError(new Error(interpreted.reason), `content in ${conversation.id} seq ${entry.seq}`);
      const notice = outcome.notice;
      if (notice?.kind === "message") this.deps.onMessage(notice.message);
      else if (notice?.kind === "title") {
        this.deps.onConversation(next);
        // The first title a joiner hears is not a rename.
        if (conversation.title === "" || conversation.title === next.title) return;
        const members = engine.members(result.newState);
        const settings = engine.settings(result.newState);
        this.deps.onGroupChange({
          ...{ conversationId: conversation.id, by: result.sender.address, seq: Number(entry.seq) },
          ...{ at: Number(entry.serverTime), membersBefore: members, membersAfter: members, leftDevices: [] },
          ...{ settingsBefore: settings, settingsAfter: settings, renamedTo: next.title },
        });
      } else if (notice) this.deps.onContent(notice);
    };
    if (batched) batch.add(conversation, next, outcome.writes, tell);
    else {
      await this.deps.store.write([{ kind: "putConversation", conversation: next }, ...outcome.writes]);
      tell();
    }
    return next;
  }
}

/** Content a batch can take: it adds a message (or nothing) and reads only what the batch's view answers. */
function batchable(content: ContentEvent): boolean {
  return (content.kind === "message" || content.kind === "unsupported") && !isDecline(content);
}

export function participantsOf(engine: GroupEngine, state: Parameters<GroupEngine["members"]>[0]): string[] {
  return [...new Set(engine.members(state).map((m) => m.address))].sort();
}
