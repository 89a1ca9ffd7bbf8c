import type { AppendResult, LogEntryRecord, NewMessage } from "../port.js";
import { entryRecord } from "../entryRecord.js";
import type { ConversationHead } from "./logTx.js";
import type { Step } from "./step.js";

/**
 * Appending application messages (SPEC ST30): the one algorithm both
 * adapters run, over a batch so PostgreSQL keeps sharing one transaction
 * among concurrent appends (SQLite runs batches of one inside its group
 * commit). Three steps: read the facts under lock, decide (pure), store.
 *
 * The decision order, first match wins (SPEC ST31):
 *  1. not_member: the sender device is not a member (DS5), before anything
 *     else, so a removed device learns nothing about the log;
 *  1b. blocked: a direct conversation whose other participant blocked the
 *     sender (PP6, SPEC ST50), read with the other facts instead of by a
 *     query of its own before the append;
 *  2. duplicate: a retry gets the stored entry back (DS3), whatever the
 *     conversation's state now (a retry after an epoch change still succeeds);
 *  3. wrong_epoch (DS10), then 4. proposals_pending (DS9): the message is
 *     not valid to store as it is, so it never counts against the quota;
 *  5. quota_exceeded (DS11): the sender's stored bytes, counting the
 *     messages accepted before it in the same batch and only those;
 *  6. appended, at the conversation's next seq (DS4).
 */

/** What the algorithm needs to know about one message's sender. */
export interface SenderFacts {
  /** The sender device is a member of the conversation. */
  member: boolean;
  /** The conversation is direct and its other participant has blocked the sender's account (PP6). */
  blocked: boolean;
  /** The entry an earlier send with the same client message id stored, if any. */
  earlier: LogEntryRecord | undefined;
}

export interface AppendFacts {
  /** The batch's conversations by id (an unknown one is absent), locked until the transaction ends. */
  heads: Map<string, ConversationHead>;
  /** Each sender device's quota counter (bytes of its own messages stored), locked likewise. */
  queued: Map<string, number>;
  /** One per message, in batch order. */
  senders: SenderFacts[];
}

export interface AcceptedMessage {
  message: NewMessage;
  seq: number;
}

/** The primitives an adapter implements inside its write transaction. */
export interface AppendTx {
  /**
   * Lock the batch's conversations, then its senders (each set in id order,
   * so writers never deadlock), then read membership and earlier entries,
   * seeing everything committed before the locks were taken.
   */
  appendFacts(messages: readonly NewMessage[]): Step<AppendFacts>;
  /**
   * Insert the accepted entries, set each conversation's last seq to `heads`
   * (an adapter whose last seq follows from its log need not write it: SQLite,
   * SPEC ST51) and add `queued` to each sender's counter.
   */
  storeAppends(
    accepted: readonly AcceptedMessage[],
    heads: ReadonlyMap<string, number>,
    queued: ReadonlyMap<string, number>,
  ): Step<void>;
}

/** One message's answer from a batch: a result, or the reason it is rejected. */
export type BatchOutcome = { ok: true; value: AppendResult } | { ok: false; error: Error };

export interface AppendPlan {
  outcomes: BatchOutcome[];
  accepted: AcceptedMessage[];
  /** Each conversation's last seq after the batch (only those that moved). */
  heads: Map<string, number>;
  /** Bytes added to each sender's counter (only those that grew). */
  queued: Map<string, number>;
}

/**
 * Messages in the batch must have distinct (conversation, sender, client
 * message id) keys (AppendQueue sees to it). Answers each in batch order.
 */
export function* appendBatch(tx: AppendTx, messages: readonly NewMessage[]): Step<BatchOutcome[]> {
  if (messages.length === 0) return [];
  const facts = yield* tx.appendFacts(messages);
  const plan = planAppends(messages, facts);
  if (plan.accepted.length > 0) yield* tx.storeAppends(plan.accepted, plan.heads, plan.queued);
  return plan.outcomes;
}

/** The decision, pure: what each message gets, in batch order, given the facts read under lock. */
export function planAppends(messages: readonly NewMessage[], facts: AppendFacts): AppendPlan {
  const plan: AppendPlan = { outcomes: [], accepted: [], heads: new Map(), queued: new Map() };
  for (const [i, m] of messages.entries()) {
    plan.outcomes.push(decide(m, facts.senders[i], facts, plan));
  }
  return plan;
}

function decide(
  m: NewMessage,
  sender: SenderFacts | undefined,
  facts: AppendFacts,
  plan: AppendPlan,
): BatchOutcome {
  if (sender === undefined) return { ok: false, error: new Error("append facts lost a message") };
  if (!sender.member) return result({ kind: "not_member" });
  if (sender.blocked) return result({ kind: "blocked" });
  if (sender.earlier !== undefined) return result({ kind: "duplicate", entry: sender.earlier });
  const head = facts.heads.get(m.conversationId);
  if (head === undefined) return { ok: false, error: new Error(`unknown conversation ${m.conversationId}`) };
  if (m.epoch !== head.epoch) return result({ kind: "wrong_epoch", currentEpoch: head.epoch });
  if (head.proposalEpoch === head.epoch) return result({ kind: "proposals_pending" });

  const bytes = m.payload.byteLength;
  const added = plan.queued.get(m.senderDeviceId) ?? 0;
  const stored = (facts.queued.get(m.senderDeviceId) ?? 0) + added;
  if (stored + bytes > (m.maxQueuedBytes ?? Infinity)) return result({ kind: "quota_exceeded" });

  const seq = (plan.heads.get(m.conversationId) ?? head.lastSeq) + 1;
  plan.heads.set(m.conversationId, seq);
  plan.queued.set(m.senderDeviceId, added + bytes);
  plan.accepted.push({ message: m, seq });
  return result({ kind: "appended", entry: entryRecord("application", m, seq, null) });
}

function result(value: AppendResult): BatchOutcome {
  return { ok: true, value };
}
