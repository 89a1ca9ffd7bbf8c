import type { AppendResult, EntryKind, LogEntryRecord, MembershipDelta, NewMessage } from "../port.js";
import { copyDelta, entryRecord, type EntryFields } from "../entryRecord.js";
import type { Database, Sql } from "./database.js";
import { constraintOf, sqlState } from "./errors.js";
import { budgetParam, budgetedPage } from "./pageQuery.js";
import { toLogEntry, type LogRow } from "./rows.js";

/**
 * The hot path: a whole batch of application messages in ONE statement (one
 * round trip, one commit, one WAL flush), each message still answered on its
 * own. Message i of the batch is row i of `input`.
 *
 * - `locked` locks the batch's conversations in id order (every multi-row
 *   lock here is taken in id order, so batches from two nodes never
 *   deadlock) and reads them as last committed: a row lock waits for the
 *   other writer and then returns the newest version.
 * - `checked` finds the sender's membership (SPEC DS5: a non-member's
 *   message is refused before anything else) and retries (SPEC DS3).
 *   Membership is read in the statement's snapshot too; a commit that
 *   removed the sender meanwhile also moved the epoch, which `locked` reads
 *   as last committed, so the message is refused as for an old epoch. It reads the statement's snapshot,
 *   which may predate a message another node committed while we waited for
 *   the lock; then the insert below violates log_idempotency, the whole
 *   statement rolls back, and the batch runs again (and finds it).
 * - `accepted` keeps messages for the current epoch of a conversation with
 *   no pending hub proposal (SPEC DS10, DS9) and numbers them from the
 *   conversation's head, in batch order: gap-free and unique (SPEC DS4).
 * - `eligible` and `accepted` also hold each sender to its quota (SPEC
 *   DS11): its counter (locked in id order after the conversations, as the
 *   pruner takes them) plus its messages so far in the batch.
 * - `inserted` and `bumped` store them and move each head once; `queued`
 *   moves each sender's counter once.
 */
const APPEND_BATCH = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::bigint[], $7::bigint[],
                         $8::bigint[])
      WITH ORDINALITY
      AS t(conversation_id, sender_device_id, sender_address, client_message_id, payload, epoch, server_time,
           max_queued, i)
  ),
  locked AS MATERIALIZED (
    SELECT id, epoch, last_seq, proposal_epoch FROM conversations
    WHERE id = ANY($1::text[])
    ORDER BY id FOR UPDATE
  ),
  senders AS MATERIALIZED (
    SELECT id, queued_bytes FROM devices
    WHERE id = ANY($2::text[])
    ORDER BY id FOR NO KEY UPDATE
  ),
  checked AS MATERIALIZED (
    SELECT t.*, m.device_id IS NOT NULL AS is_member,
           l.seq AS earlier_seq, l.kind AS earlier_kind, l.sender_address AS earlier_sender_address,
           l.payload AS earlier_payload, l.epoch AS earlier_epoch, l.server_time AS earlier_server_time,
           l.membership AS earlier_membership
    FROM input t
    LEFT JOIN members m ON m.conversation_id = t.conversation_id AND m.device_id = t.sender_device_id
    LEFT JOIN log l ON l.conversation_id = t.conversation_id AND l.sender_device_id = t.sender_device_id
                   AND l.client_message_id = t.client_message_id
  ),
  eligible AS MATERIALIZED (
    SELECT t.*, d.queued_bytes
             + sum(octet_length(t.payload)) OVER (PARTITION BY t.sender_device_id ORDER BY t.i) AS queued_after
    FROM checked t JOIN locked c ON c.id = t.conversation_id JOIN senders d ON d.id = t.sender_device_id
    WHERE t.is_member AND t.earlier_seq IS NULL AND t.epoch = c.epoch AND c.proposal_epoch IS DISTINCT FROM c.epoch
  ),
  accepted AS MATERIALIZED (
    SELECT t.*, c.last_seq + row_number() OVER (PARTITION BY t.conversation_id ORDER BY t.i) AS seq
    FROM eligible t JOIN locked c ON c.id = t.conversation_id
    WHERE t.queued_after <= t.max_queued
  ),
  queued AS (
    UPDATE devices d SET queued_bytes = d.queued_bytes + a.bytes
    FROM (SELECT sender_device_id, sum(octet_length(payload)) AS bytes FROM accepted GROUP BY sender_device_id) a
    WHERE d.id = a.sender_device_id
  ),
  inserted AS (
    INSERT INTO log (conversation_id, seq, kind, sender_device_id, sender_address, client_message_id,
                     payload, epoch, server_time, membership)
    SELECT conversation_id, seq, 'application', sender_device_id, sender_address, client_message_id,
           payload, epoch, server_time, NULL
    FROM accepted ORDER BY conversation_id, seq
  ),
  bumped AS (
    UPDATE conversations c SET last_seq = a.head
    FROM (SELECT conversation_id, max(seq) AS head FROM accepted GROUP BY conversation_id) a
    WHERE c.id = a.conversation_id
  )
  SELECT t.i,
    CASE WHEN NOT t.is_member THEN 'not_member'
         WHEN t.earlier_seq IS NOT NULL THEN 'duplicate'
         WHEN a.i IS NOT NULL THEN 'appended'
         WHEN c.id IS NULL THEN 'unknown_conversation'
         WHEN e.i IS NOT NULL THEN 'quota_exceeded'
         WHEN t.epoch <> c.epoch THEN 'wrong_epoch'
         ELSE 'proposals_pending' END AS outcome,
    coalesce(a.seq, t.earlier_seq) AS seq, c.epoch AS current_epoch,
    t.earlier_kind AS kind, t.earlier_sender_address AS sender_address, t.earlier_payload AS payload,
    t.earlier_epoch AS entry_epoch, t.earlier_server_time AS server_time, t.earlier_membership AS membership
  FROM checked t
  LEFT JOIN accepted a ON a.i = t.i
  LEFT JOIN eligible e ON e.i = t.i
  LEFT JOIN locked c ON c.id = t.conversation_id
  ORDER BY t.i`;

interface OutcomeRow {
  i: number;
  outcome:
    | "not_member"
    | "duplicate"
    | "appended"
    | "unknown_conversation"
    | "wrong_epoch"
    | "quota_exceeded"
    | "proposals_pending";
  seq: number | null;
  current_epoch: number | null;
  kind: EntryKind | null;
  sender_address: string | null;
  payload: Buffer | null;
  entry_epoch: number | null;
  server_time: number | null;
  membership: MembershipDelta | null;
}

/** Each rerun after a lost race sees the winner, so a second rerun is already unusual. */
const MAX_RACE_RETRIES = 5;

/** One message's answer from a batch: a result, or the reason it is rejected. */
export type BatchOutcome = { ok: true; value: AppendResult } | { ok: false; error: Error };

/** The per-conversation ordered log. */
export class LogQueries {
  constructor(private readonly db: Database) {}

  /**
   * Append a batch whose messages have distinct (conversation, sender,
   * client message id) keys; answers each message in batch order. Rejects
   * as a whole only when the statement fails (nothing is then stored).
   */
  async appendBatch(messages: NewMessage[]): Promise<BatchOutcome[]> {
    const values = [
      messages.map((m) => m.conversationId),
      messages.map((m) => m.senderDeviceId),
      messages.map((m) => m.senderAddress),
      messages.map((m) => m.clientMessageId),
      messages.map((m) => m.payload),
      messages.map((m) => m.epoch),
      messages.map((m) => m.serverTime),
      messages.map((m) => m.maxQueuedBytes ?? Number.MAX_SAFE_INTEGER),
    ];
    let rows: OutcomeRow[];
    for (let attempt = 1; ; attempt++) {
      try {
        rows = await this.db.rows<OutcomeRow>(APPEND_BATCH, values);
        break;
      } catch (error) {
        // A retry another node stored while this statement waited for its
        // lock (see APPEND_BATCH): nothing was stored; the next run sees it.
        const raced = sqlState(error) === "23505" && constraintOf(error) === "log_idempotency";
        if (!raced || attempt >= MAX_RACE_RETRIES) throw error;
      }
    }
    return messages.map((message, index) => {
      const row = rows[index];
      if (row === undefined || row.i !== index + 1) {
        return { ok: false, error: new Error("append batch lost an outcome") };
      }
      return outcomeOf(message, row);
    });
  }

  /** The entry an earlier send with this client message id stored, if any (SPEC DS3). */
  async findByClientId(
    sql: Sql,
    conversationId: string,
    senderDeviceId: string,
    clientMessageId: string,
  ): Promise<LogEntryRecord | undefined> {
    const [row] = await sql.rows<LogRow>(
      "SELECT * FROM log WHERE conversation_id = $1 AND sender_device_id = $2 AND client_message_id = $3",
      [conversationId, senderDeviceId, clientMessageId],
    );
    return row && toLogEntry(row);
  }

  /** Insert an entry at `seq` (the caller holds the conversation's lock) and return it as stored. */
  async insertEntry(
    sql: Sql,
    kind: EntryKind,
    fields: EntryFields,
    membership: MembershipDelta | null,
    seq: number,
  ): Promise<LogEntryRecord> {
    const f = fields;
    const delta = membership === null ? null : copyDelta(membership);
    await sql.rows(
      `INSERT INTO log (conversation_id, seq, kind, sender_device_id, sender_address, client_message_id,
                        payload, epoch, server_time, membership)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        f.conversationId,
        seq,
        kind,
        f.senderDeviceId,
        f.senderAddress,
        f.clientMessageId,
        f.payload,
        f.epoch,
        f.serverTime,
        delta === null ? null : JSON.stringify(delta),
      ],
    );
    return entryRecord(kind, f, seq, delta);
  }

  /** The byte budget is applied in SQL (budgetedPage), so only the returned rows' payloads are read. */
  async read(
    conversationId: string,
    afterSeq: number,
    limit: number,
    maxBytes: number,
  ): Promise<LogEntryRecord[]> {
    // PostgreSQL refuses a negative LIMIT; the port means "nothing".
    if (!(limit > 0)) return [];
    const rows = await this.db.read<LogRow>(budgetedPage("log", "conversation_id", "seq"), [
      conversationId,
      afterSeq,
      limit,
      budgetParam(maxBytes),
    ]);
    return rows.map(toLogEntry);
  }
}

function outcomeOf(message: NewMessage, row: OutcomeRow): BatchOutcome {
  switch (row.outcome) {
    case "appended":
      if (row.seq === null) break;
      return {
        ok: true,
        value: { kind: "appended", entry: entryRecord("application", message, row.seq, null) },
      };
    case "duplicate": {
      if (row.seq === null || row.kind === null || row.payload === null) break;
      const entry = toLogEntry({
        conversation_id: message.conversationId,
        seq: row.seq,
        kind: row.kind,
        sender_device_id: message.senderDeviceId,
        sender_address: row.sender_address ?? "",
        client_message_id: message.clientMessageId,
        payload: row.payload,
        epoch: row.entry_epoch ?? 0,
        server_time: row.server_time ?? 0,
        membership: row.membership,
      });
      return { ok: true, value: { kind: "duplicate", entry } };
    }
    case "wrong_epoch":
      if (row.current_epoch === null) break;
      return { ok: true, value: { kind: "wrong_epoch", currentEpoch: row.current_epoch } };
    case "proposals_pending":
      return { ok: true, value: { kind: "proposals_pending" } };
    case "quota_exceeded":
      return { ok: true, value: { kind: "quota_exceeded" } };
    case "not_member":
      return { ok: true, value: { kind: "not_member" } };
    case "unknown_conversation":
      return { ok: false, error: new Error(`unknown conversation ${message.conversationId}`) };
  }
  return { ok: false, error: new Error(`append batch answered ${row.outcome} without its fields`) };
}
