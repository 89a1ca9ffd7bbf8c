/**
 * The log's part of the Store port: a conversation's ordered entries
 * (messages, commits, the hub's proposals) and each device's cursor in it.
 * The whole port, and the rules every method keeps, are in `port.ts`.
 */
import type { MembershipDelta } from "./conversationsPort.js";
import type { InboxRecord } from "./inboxPort.js";

/** "proposal": the hub's own removal proposal (as MLS external sender) for a revoked device. */
export type EntryKind = "application" | "commit" | "proposal";

export interface LogEntryRecord {
  conversationId: string;
  seq: number;
  kind: EntryKind;
  senderDeviceId: string;
  senderAddress: string;
  clientMessageId: string;
  /** MLS message bytes, never interpreted for application entries. */
  payload: Uint8Array;
  epoch: number;
  serverTime: number;
  /** Present on commit entries. */
  membership: MembershipDelta | null;
}

export interface NewMessage {
  conversationId: string;
  senderDeviceId: string;
  senderAddress: string;
  clientMessageId: string;
  payload: Uint8Array;
  epoch: number;
  serverTime: number;
  /**
   * The sender device's quota: the bytes of its own application messages the
   * log may hold, this one included, until the pruner frees them. None when absent.
   */
  maxQueuedBytes?: number;
}

/**
 * A retry with the same (conversation, sender device, client message id) gets
 * the original entry back. Otherwise nothing is appended when:
 * - "wrong_epoch": the message's epoch is not the conversation's current
 *   epoch (SPEC DS10): a device that joined at the commit that ended it
 *   could not read it, so the sender encrypts it again;
 * - "proposals_pending": the conversation has a hub proposal at its current
 *   epoch that no commit has included yet (SPEC DS9), so nothing new is
 *   encrypted to a revoked device.
 */
export type AppendResult =
  | { kind: "appended"; entry: LogEntryRecord }
  | { kind: "duplicate"; entry: LogEntryRecord }
  | { kind: "wrong_epoch"; currentEpoch: number }
  | { kind: "proposals_pending" }
  /**
   * The sender device already has `maxQueuedBytes` (NewMessage) of its own
   * application messages stored and not yet pruned: nothing is stored.
   */
  | { kind: "quota_exceeded" }
  /** The sender device is not a member (or the conversation does not exist): nothing is stored. */
  | { kind: "not_member" }
  /**
   * A direct conversation whose other participant has blocked the sender's
   * account (SPEC PP6): nothing is stored. Decided right after membership,
   * in the same step as the append (SPEC ST50).
   */
  | { kind: "blocked" };

export interface NewCommit {
  conversationId: string;
  senderDeviceId: string;
  senderAddress: string;
  clientMessageId: string;
  payload: Uint8Array;
  /** The epoch the commit ends; must equal the conversation's current epoch. */
  epoch: number;
  serverTime: number;
  groupInfo: Uint8Array;
  membership: MembershipDelta;
  /**
   * The MLS Welcome; when present it is stored ONCE and each added device's
   * inbox item refers to it (SPEC ST28): a 1,000-device add stores it once,
   * not 1,000 times.
   */
  welcome: Uint8Array | null;
}

export type CommitResult =
  | { kind: "committed"; entry: LogEntryRecord; inbox: InboxRecord[] }
  | { kind: "duplicate"; entry: LogEntryRecord }
  | { kind: "epoch_conflict"; currentEpoch: number };

/** The hub's own removal proposal for a revoked device, at the conversation's current epoch. */
export interface NewProposal {
  conversationId: string;
  epoch: number;
  /** TLS-encoded MLSMessage(PublicMessage(Proposal)) signed by the hub as external sender. */
  payload: Uint8Array;
  /** The ProposalRef (RFC 9420 §5.2) a commit uses to include it by reference. */
  ref: Uint8Array;
  removedDeviceId: string;
  serverTime: number;
}

export interface PendingProposal {
  seq: number;
  ref: Uint8Array;
  removedDeviceId: string;
}

export type AppendProposalResult =
  | { kind: "appended"; entry: LogEntryRecord }
  | { kind: "epoch_conflict"; currentEpoch: number };

export interface CursorUpdate {
  conversationId: string;
  seq: number;
}

export interface LogStore {
  /**
   * Append an application message (idempotent by client message id), only
   * from a member device ([DS5]), checked in the same atomic step as the
   * append: one round trip per batch on PostgreSQL instead of a membership
   * read per message, and a device removed meanwhile cannot slip one in.
   */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  /**
   * Apply a commit atomically: refuse unless `epoch` is the current epoch
   * (exactly one commit wins per epoch), else append the entry, move the
   * epoch on by one, store the GroupInfo, apply the membership delta and put
   * the Welcome in each added device's inbox. An added device's cursor and
   * joinedSeq start at the commit's seq. Idempotent by client message id.
   */
  commit(commit: NewCommit): Promise<CommitResult>;
  /**
   * Append the hub's removal proposal, only if `epoch` is still the current
   * epoch. Until a commit moves the epoch on, appendMessage answers
   * "proposals_pending" for the conversation.
   */
  appendProposal(proposal: NewProposal): Promise<AppendProposalResult>;
  /** The hub's proposals at this epoch of the conversation, in seq order. */
  pendingProposals(conversationId: string, epoch: number): Promise<PendingProposal[]>;
  /**
   * Entries with seq > afterSeq, in seq order, at most `limit`; and with a
   * byte budget, only while the payload bytes before an entry are within
   * `maxBytes`: reading stops right after the entry that takes the total over
   * it (returned, so the caller sees that more follows). The first entry is
   * always returned. Adapters read no payload they do not return.
   */
  readLog(
    conversationId: string,
    afterSeq: number,
    limit: number,
    maxBytes?: number,
  ): Promise<LogEntryRecord[]>;

  // Cursors
  /**
   * Move cursors forward; a cursor never moves back, and is capped at the log's
   * head. Updates for conversations the device is not a member of are ignored
   * (acks race with removals; membership is checked at the edge).
   */
  advanceCursors(deviceId: string, cursors: CursorUpdate[]): Promise<void>;
}
