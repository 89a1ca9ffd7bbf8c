import type { EntryKind, LogEntryRecord, MembershipDelta } from "../port.js";
import type { EntryFields } from "../entryRecord.js";
import type { Step } from "./step.js";

/** A conversation's row as the write algorithms see it. */
export interface ConversationHead {
  epoch: number;
  /** Highest seq in the log (0 when empty). */
  lastSeq: number;
  /** The epoch of the hub's latest removal proposal, null when it never sent one (SPEC DS9). */
  proposalEpoch: number | null;
}

/**
 * The log primitives every write algorithm shares, run inside the adapter's
 * write transaction (SQLite: the single writer's; PostgreSQL: one
 * READ COMMITTED transaction whose row lock serialises writers of the
 * conversation across the cluster).
 */
export interface LogTx {
  /**
   * The conversation's head, undefined when it does not exist. PostgreSQL
   * locks the row (FOR UPDATE) until the transaction ends, so what the
   * algorithm reads next sees every entry committed before it.
   */
  lockHead(conversationId: string): Step<ConversationHead | undefined>;
  /** The entry stored under this idempotency key, if any (SPEC DS3). */
  findByClientId(
    conversationId: string,
    senderDeviceId: string,
    clientMessageId: string,
  ): Step<LogEntryRecord | undefined>;
  /** Insert an entry at `seq` and answer it as stored, without reading it back. */
  insertEntry(
    kind: EntryKind,
    fields: EntryFields,
    membership: MembershipDelta | null,
    seq: number,
  ): Step<LogEntryRecord>;
}
