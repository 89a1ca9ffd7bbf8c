/**
 * The delivery service: conversations, their ordered logs, cursors and the
 * per-device inbox. It enforces the rules of SPEC.md (ids quoted below) over
 * the Store port, and announces new entries on the Bus. No I/O of its own.
 */
import { ProtocolError, toHex } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import type { AppRegistry } from "../directory/apps.js";
import { closedAppError, mayReach } from "../directory/policy.js";
import {
  decodeGroupInfo,
  groupInfoFacts,
  inspectCommit,
  inspectGroupInfo,
  leafIdentities,
  type CommitFacts,
} from "../mls/inspect.js";
import { namesHub } from "../mls/hubSender.js";
import type {
  ConversationKind,
  ConversationRecord,
  ConversationView,
  CursorUpdate,
  InboxRecord,
  LogEntryRecord,
  Membership,
  Store,
} from "../store/port.js";
import { membershipFromCommit } from "./membershipFromCommit.js";
import { allowAllAdds, directoryDevices, requireAddsAllowed, type MayAdd } from "./addChecks.js";
import { requireAdminRule } from "./adminRule.js";
import { requireLeavesIncluded } from "./leaveProposals.js";
import { MembershipCaps } from "./membershipCaps.js";
import { DEFAULT_MEMBERSHIP_SETTINGS, type MembershipSettings } from "./membershipSettings.js";
import { MessageSend, type MessageInput } from "./messageSend.js";
import { fitSummaries } from "./pages.js";
import type { Announcer } from "./announcer.js";
import type { RemovalProposals } from "./removalProposals.js";
import {
  LIMITS,
  clampLimit,
  cutPage,
  requireClientMessageId,
  requireConversationId,
  requireSize,
} from "./validate.js";

export interface CommitInput {
  conversationId: string;
  clientMessageId: string;
  epoch: number;
  commit: Uint8Array;
  welcome: Uint8Array | null;
  groupInfo: Uint8Array;
}

export interface DeliveryOptions {
  /** The hub's external-sender key (ServerHello.hub_signature_key), which every group must name. */
  hubPublicKey: Uint8Array;
  removals: RemovalProposals;
  /** Whether an account may be added to groups by another (blocks plug in here); all allowed when absent. */
  mayAdd?: MayAdd;
  /** Page sizes and caps (DEFAULT_MEMBERSHIP_SETTINGS when absent). */
  membership?: MembershipSettings;
  /** A removal proposal after a commit failed (the commit itself stands). */
  onError: (err: unknown, conversationId: string) => void;
  /** [DS11] bytes of its own messages a device may have stored and not yet pruned; none when absent. */
  maxQueuedBytes?: number;
}

export class DeliveryService {
  private readonly settings: MembershipSettings;
  private readonly caps: MembershipCaps;
  private readonly sends: MessageSend;

  constructor(
    private readonly store: Store,
    private readonly apps: AppRegistry,
    private readonly announcer: Announcer,
    private readonly clock: Clock,
    private readonly options: DeliveryOptions,
  ) {
    this.settings = options.membership ?? DEFAULT_MEMBERSHIP_SETTINGS;
    this.caps = new MembershipCaps(store, clock, this.settings);
    this.sends = new MessageSend(store, announcer, clock, options.maxQueuedBytes, (id, device) =>
      this.requireMember(id, device),
    );
  }

  async createConversation(
    caller: Caller,
    input: { conversationId: string; kind: ConversationKind; peer: string; groupInfo: Uint8Array },
  ): Promise<ConversationRecord> {
    requireConversationId(input.conversationId);
    requireSize(input.groupInfo, LIMITS.maxHandshakeBytes, "group info");
    const info = inspectGroupInfo(input.groupInfo);
    if (!info.ok) throw new ProtocolError("INVALID_ARGUMENT", info.reason);
    if (info.value.groupId !== input.conversationId || info.value.epoch !== 0) {
      throw new ProtocolError("INVALID_ARGUMENT", "the GroupInfo must be of this group at epoch 0");
    }
    // [DIR7] the hub can propose a revoked device's removal only in groups that name it.
    if (!namesHub(info.value.externalSenders, this.options.hubPublicKey)) {
      throw new ProtocolError(
        "INVALID_ARGUMENT",
        "the group must name the hub (ServerHello.hub_signature_key) as its MLS external sender",
      );
    }
    let peerAddress: string | undefined;
    if (input.kind === "direct") {
      const peer = this.apps.resolve(input.peer);
      if (!mayReach(caller.app, peer.app)) throw closedAppError(peer.app);
      if (!(await this.store.getAccount(peer.address)))
        throw new ProtocolError("NOT_FOUND", `no account ${peer.address}`);
      peerAddress = peer.address;
    }
    // [DS16] the peer's room is checked when the commit adds it.
    await this.caps.requireRoomToCreate(caller);
    const result = await this.store.createConversation({
      id: input.conversationId,
      kind: input.kind,
      createdAt: this.clock(),
      creatorAddress: caller.address,
      creatorDeviceId: caller.deviceId,
      ...(peerAddress !== undefined ? { peerAddress } : {}),
      groupInfo: input.groupInfo,
    });
    if (result.kind === "id_taken")
      throw new ProtocolError("ALREADY_EXISTS", "a conversation with this id exists");
    if (result.kind === "direct_exists") {
      throw new ProtocolError("ALREADY_EXISTS", "a direct conversation with this person exists", {
        existingId: result.id,
      });
    }
    return result.conversation;
  }

  /**
   * [DS2] acknowledged only once durable; [DS3] idempotent by client message
   * id; [DS5] members only; [DS9] not while a removal is pending; [DS10] only
   * for the current epoch (messageSend.ts).
   */
  sendMessage(caller: Caller, input: MessageInput): Promise<LogEntryRecord> {
    return this.sends.send(caller, input);
  }

  /** [DS1] exactly one commit wins per epoch; [DS5] members commit, participants' devices may join externally. */
  async commit(caller: Caller, input: CommitInput): Promise<LogEntryRecord> {
    requireConversationId(input.conversationId);
    requireClientMessageId(input.clientMessageId);
    requireSize(input.commit, LIMITS.maxHandshakeBytes, "commit");
    requireSize(input.groupInfo, LIMITS.maxHandshakeBytes, "group info");
    if (input.welcome) requireSize(input.welcome, LIMITS.maxHandshakeBytes, "welcome");
    const conversation = await this.store.getConversation(input.conversationId);
    if (!conversation) throw new ProtocolError("NOT_FOUND", "no such conversation");
    const facts = inspectCommit(input.commit);
    if (!facts.ok) throw new ProtocolError("INVALID_ARGUMENT", facts.reason);
    const commit = facts.value;
    if (commit.groupId !== input.conversationId)
      throw new ProtocolError("INVALID_ARGUMENT", "the commit is for another group");
    if (commit.epoch !== input.epoch)
      throw new ProtocolError("INVALID_ARGUMENT", "the commit's epoch differs from the request's");
    const external = commit.senderType === "new_member_commit";
    if (external) {
      if (
        commit.joiner?.deviceId !== caller.deviceId ||
        !conversation.participants.includes(caller.address)
      ) {
        throw new ProtocolError("FORBIDDEN", "only a device of a participant may join, and only itself");
      }
    } else {
      if (commit.senderType !== "member")
        throw new ProtocolError("INVALID_ARGUMENT", "unsupported commit sender");
      await this.requireMember(input.conversationId, caller.deviceId);
    }
    if (input.epoch !== conversation.epoch) {
      // Cheap early answer; the store re-checks atomically (two nodes may race here).
      throw new ProtocolError("EPOCH_CONFLICT", "the conversation has moved on", {
        currentEpoch: conversation.epoch,
      });
    }
    const info = inspectGroupInfo(input.groupInfo);
    if (!info.ok) throw new ProtocolError("INVALID_ARGUMENT", info.reason);
    if (info.value.groupId !== input.conversationId || info.value.epoch !== input.epoch + 1) {
      throw new ProtocolError("INVALID_ARGUMENT", "the GroupInfo must be of this group's next epoch");
    }
    const stored = decodeGroupInfo(conversation.groupInfo);
    const current = stored && groupInfoFacts(stored);
    const leaves = stored && leafIdentities(stored);
    if (!current?.ok || !leaves?.ok)
      throw new ProtocolError("INTERNAL", "the stored GroupInfo cannot be read");
    // [DIR7] a group that names the hub keeps naming it (groups from before it did are left be).
    const hubKey = this.options.hubPublicKey;
    if (namesHub(current.value.externalSenders, hubKey) && !namesHub(info.value.externalSenders, hubKey))
      throw new ProtocolError(
        "INVALID_ARGUMENT",
        "a commit may not drop the hub as the group's external sender",
      );
    // [GR2] [GR3] admins manage; the new GroupInfo carries the settings the commit makes.
    const { extensions: before } = current.value;
    requireAdminRule({
      ...{ commit, committer: caller.address, before, after: info.value.extensions },
      leaves: leaves.value,
    });
    const removedByReference = await this.resolveProposalRefs(input.conversationId, input.epoch, commit);
    const members = new Set(await this.store.listMembers(input.conversationId));
    const incoming = [...commit.added, ...(commit.joiner ? [commit.joiner] : [])];
    const devices = await directoryDevices(this.store, [...members, ...incoming.map((a) => a.deviceId)]);
    // [DS7] [DS14] each added device is the directory's, with its registered key, and may be added.
    await requireAddsAllowed({
      adder: caller,
      leaves: incoming,
      devices,
      apps: this.apps,
      mayAdd: this.options.mayAdd ?? allowAllAdds,
    });
    // [GR7] external commits cannot carry proposals (RFC 9420 §12.4.3.2).
    if (!external)
      await requireLeavesIncluded(this.store, conversation.id, input.epoch, removedByReference, devices);
    const addresses = new Map(
      [...devices].filter(([, d]) => d.revokedAt === null).map(([id, d]) => [id, d.address]),
    );
    if (input.welcome === null && commit.added.length > 0)
      throw new ProtocolError("INVALID_ARGUMENT", "a commit that adds devices needs a Welcome");
    const membership = membershipFromCommit({
      facts: commit,
      leaves: leaves.value,
      removedByReference,
      currentMembers: members,
      participants: new Set(conversation.participants),
      addressOf: (d) => addresses.get(d),
    });
    if (membership.addedDevices.length + membership.removedDevices.length > LIMITS.maxMembershipChange) {
      throw new ProtocolError("TOO_LARGE", "too many members changed in one commit");
    }
    if (conversation.kind === "direct" && membership.addedAccounts.length > 0)
      await this.requireDirectPair(conversation, membership.addedAccounts);
    await this.caps.requireRoomToAdd(caller, membership.addedAccounts);
    const result = await this.store.commit({
      conversationId: input.conversationId,
      senderDeviceId: caller.deviceId,
      senderAddress: caller.address,
      clientMessageId: input.clientMessageId,
      payload: input.commit,
      epoch: input.epoch,
      serverTime: this.clock(),
      groupInfo: input.groupInfo,
      membership,
      welcome: commit.added.length > 0 ? input.welcome : null,
    });
    if (result.kind === "epoch_conflict") {
      throw new ProtocolError("EPOCH_CONFLICT", "the conversation has moved on", {
        currentEpoch: result.currentEpoch,
      });
    }
    if (result.kind === "committed") {
      await this.caps
        .recordAdds(caller, input.conversationId, membership.addedAccounts)
        .catch((err: unknown) => this.options.onError(err, input.conversationId));
      this.announcer.entry(result.entry);
      for (const item of result.inbox) this.announcer.inbox(item);
      // [DS9] a revoked device this commit did not remove: propose it again at the new epoch.
      await this.options.removals
        .propose(input.conversationId)
        .catch((err: unknown) => this.options.onError(err, input.conversationId));
    }
    return result.entry;
  }

  /**
   * The devices removed by the hub's proposals a commit includes by
   * reference: the only proposals anyone sends alone are the hub's, kept
   * per epoch with their ProposalRef. Any other reference is refused.
   */
  private async resolveProposalRefs(
    conversationId: string,
    epoch: number,
    commit: CommitFacts,
  ): Promise<string[]> {
    if (commit.proposalRefs.length === 0) return [];
    const pending = await this.store.pendingProposals(conversationId, epoch);
    const byRef = new Map(pending.map((p) => [toHex(p.ref), p.removedDeviceId]));
    return commit.proposalRefs.map((ref) => {
      const removed = byRef.get(toHex(ref));
      if (removed === undefined)
        throw new ProtocolError(
          "INVALID_ARGUMENT",
          "the commit includes a proposal the hub did not make at this epoch",
        );
      return removed;
    });
  }

  /**
   * [DS4] entries in seq order; [DS5] members only, and nothing from before
   * the device joined; [DS12] HISTORY_EXPIRED when what it asks for was pruned.
   */
  async fetch(
    caller: Caller,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ entries: LogEntryRecord[]; hasMore: boolean }> {
    requireConversationId(conversationId);
    const membership = await this.requireMember(conversationId, caller.deviceId);
    const n = clampLimit(limit, LIMITS.maxFetchEntries);
    const from = Math.max(afterSeq, membership.joinedSeq);
    const prunedSeq = membership.prunedSeq ?? 0;
    if (from < prunedSeq) throw historyExpired(prunedSeq + 1);
    const entries = await this.store.readLog(conversationId, from, n + 1, LIMITS.maxPageBytes);
    // Pruned between the two reads: a gap after `from` is as expired as the check above.
    const first = entries[0];
    if (first !== undefined && first.seq > from + 1) throw historyExpired(first.seq);
    const { page, hasMore } = cutPage(entries, n);
    return { entries: page, hasMore };
  }

  async ack(caller: Caller, cursors: CursorUpdate[]): Promise<void> {
    if (cursors.length > LIMITS.maxCursorsPerAck)
      throw new ProtocolError("TOO_LARGE", `at most ${LIMITS.maxCursorsPerAck} cursors per ack`);
    for (const c of cursors) requireConversationId(c.conversationId);
    await this.store.advanceCursors(caller.deviceId, cursors);
  }

  /** Every conversation of the device (for routing at login; never sent as one frame). */
  async listConversations(caller: Caller): Promise<ConversationView[]> {
    return this.store.listConversations(caller.deviceId);
  }

  /** [DS15] One page of the device's conversations, cut by count and by bytes to fit a frame. */
  async listConversationsPage(
    caller: Caller,
    afterId: string,
    limit: number,
  ): Promise<{ conversations: ConversationView[]; hasMore: boolean }> {
    if (afterId !== "") requireConversationId(afterId);
    const n = clampLimit(limit, this.settings.conversationsPerPage);
    const rows = await this.store.listConversations(caller.deviceId, { afterId, limit: n + 1 });
    const conversations = fitSummaries(rows, n);
    return { conversations, hasMore: rows.length > conversations.length };
  }

  /** The latest GroupInfo, for an external join: only devices of participant accounts may have it. */
  async groupInfo(caller: Caller, conversationId: string): Promise<{ groupInfo: Uint8Array; epoch: number }> {
    requireConversationId(conversationId);
    const conversation = await this.store.getConversation(conversationId);
    if (!conversation || !conversation.participants.includes(caller.address))
      throw new ProtocolError("NOT_FOUND", "no such conversation");
    return { groupInfo: conversation.groupInfo, epoch: conversation.epoch };
  }

  async fetchInbox(
    caller: Caller,
    afterId: number,
    limit: number,
  ): Promise<{ items: InboxRecord[]; hasMore: boolean }> {
    const n = clampLimit(limit, LIMITS.maxInboxItems);
    const items = await this.store.readInbox(caller.deviceId, afterId, n + 1, LIMITS.maxPageBytes);
    const { page, hasMore } = cutPage(items, n);
    return { items: page, hasMore };
  }

  async ackInbox(caller: Caller, upToId: number): Promise<void> {
    await this.store.ackInbox(caller.deviceId, upToId);
  }

  private async requireMember(conversationId: string, deviceId: string): Promise<Membership> {
    const membership = await this.store.getMembership(conversationId, deviceId);
    // NOT_FOUND rather than FORBIDDEN for non-members: do not confirm a conversation exists.
    if (!membership) throw new ProtocolError("NOT_FOUND", "no such conversation");
    return membership;
  }

  /** A direct conversation only ever holds the two accounts it was made for. */
  private async requireDirectPair(conversation: ConversationRecord, added: string[]): Promise<void> {
    const accounts = new Set([...conversation.participants, ...added]);
    const [a, b, ...more] = [...accounts];
    const pairOk =
      more.length === 0 &&
      a !== undefined &&
      (b === undefined || (await this.store.findDirectConversation(a, b)) === conversation.id);
    if (!pairOk)
      throw new ProtocolError("FORBIDDEN", "a direct conversation holds only its two people; create a group");
  }
}

function historyExpired(firstSeq: number): ProtocolError {
  return new ProtocolError(
    "HISTORY_EXPIRED",
    "the entries asked for were pruned; rejoin the conversation to read it again",
    { firstSeq },
  );
}
