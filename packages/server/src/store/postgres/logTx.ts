import type pg from "pg";
import type {
  EntryKind,
  InboxRecord,
  LogEntryRecord,
  MembershipDelta,
  NewMessage,
  NewProposal,
} from "../port.js";
import type { AcceptedMessage, AppendFacts, AppendTx } from "../algorithms/append.js";
import type { CommitTx, InboxItem } from "../algorithms/commit.js";
import type { ConversationHead } from "../algorithms/logTx.js";
import type { ProposalTx } from "../algorithms/proposal.js";
import { pending, type Step } from "../algorithms/step.js";
import { copyDelta, entryRecord, type EntryFields } from "../entryRecord.js";
import { prepared, type Prepared, type Transaction } from "./database.js";
import type { InboxQueries } from "./inbox.js";
import { toLogEntry, type LogRow } from "./rows.js";

// The three append statements are prepared (database.ts): parsed and
// planned once per connection. Planning them for each batch was most of a
// small batch's time: bench/pgStoreAppend.ts went from 6,100 to 8,500
// messages/s with batches of 50, and from 24,000 to 33,000 with batches of
// 1,000 (2026-12-07).

/**
 * Lock the batch's conversations, then its senders' quota counters, each in
 * id order (every multi-row lock in this adapter is taken in id order, so
 * writers on two nodes never deadlock; the pruner takes them in the same
 * order). A row lock waits for the other writer and returns the newest version.
 */
const LOCK_APPEND = prepared(
  "switchboard_lock_append",
  `
  WITH locked AS MATERIALIZED (
    SELECT id, epoch, last_seq, proposal_epoch FROM conversations
    WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE
  ),
  senders AS MATERIALIZED (
    SELECT id, queued_bytes FROM devices
    WHERE id = ANY($2::text[]) ORDER BY id FOR NO KEY UPDATE
  )
  SELECT 'c' AS k, id, epoch, last_seq, proposal_epoch, NULL::bigint AS queued_bytes FROM locked
  UNION ALL
  SELECT 'd', id, NULL, NULL, NULL, queued_bytes FROM senders`,
);

/**
 * Membership (SPEC DS5), a block in a direct conversation (PP6, ST50: no
 * round trip of its own before each append) and earlier entries (DS3), in a
 * statement after the locks: its snapshot is taken after them, so it sees every entry another
 * node committed while this transaction waited (everyone who writes a
 * conversation's log holds its row lock).
 *
 * Blocks are looked up once per (conversation, sender) pair, not per message.
 * Earlier entries are a LATERAL probe of the idempotency index: a plain join
 * let the planner hash the whole log while its statistics were stale
 * (measured: a sequential scan of the log in every batch, 25 ms at 17,000
 * entries, growing with the log). Only the exceptions come back (a
 * non-member, a block, a retry): the usual message needs no row of its own.
 */
const SENDER_FACTS = prepared(
  "switchboard_sender_facts",
  `
  WITH t AS MATERIALIZED (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
      AS t(conversation_id, sender_device_id, client_message_id, sender_address, i)
  ),
  blocked AS MATERIALIZED (
    SELECT DISTINCT s.conversation_id, s.sender_address
    FROM (SELECT DISTINCT conversation_id, sender_address FROM t) s
    JOIN conversations c ON c.id = s.conversation_id AND c.kind = 'direct'
    JOIN participants p ON p.conversation_id = c.id
    JOIN blocks b ON b.blocker = p.address AND b.blocked = s.sender_address
  )
  SELECT t.i, m.device_id IS NOT NULL AS is_member, bl.conversation_id IS NOT NULL AS blocked,
         l.seq, l.kind, l.sender_address, l.payload, l.epoch, l.server_time, l.membership
  FROM t
  LEFT JOIN members m ON m.conversation_id = t.conversation_id AND m.device_id = t.sender_device_id
  LEFT JOIN blocked bl ON bl.conversation_id = t.conversation_id AND bl.sender_address = t.sender_address
  LEFT JOIN LATERAL (
    SELECT seq, kind, sender_address, payload, epoch, server_time, membership FROM log
    WHERE log.conversation_id = t.conversation_id AND log.sender_device_id = t.sender_device_id
      AND log.client_message_id = t.client_message_id
    LIMIT 1
  ) l ON true
  WHERE m.device_id IS NULL OR bl.conversation_id IS NOT NULL OR l.seq IS NOT NULL
  ORDER BY t.i`,
);

/**
 * The accepted entries, each conversation's new head and each sender's
 * counter, in one statement. The payloads travel as one binary parameter
 * ($6), each cut out by its offset and length: a bytea[] parameter is text,
 * hex-escaped by the driver and parsed again by the server (twice the bytes
 * on the wire, and the driver's escaping was the costliest part of sending
 * a batch).
 */
const STORE_APPENDS = prepared(
  "switchboard_store_appends",
  `
  WITH inserted AS (
    INSERT INTO log (conversation_id, seq, kind, sender_device_id, sender_address, client_message_id,
                     payload, epoch, server_time, membership)
    SELECT conversation_id, seq, 'application', sender_device_id, sender_address, client_message_id,
           substring($6::bytea FROM payload_at FOR payload_length), epoch, server_time, NULL
    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $7::int[], $8::int[],
                $9::bigint[], $10::bigint[])
      AS t(conversation_id, seq, sender_device_id, sender_address, client_message_id, payload_at,
           payload_length, epoch, server_time)
    ORDER BY conversation_id, seq
  ),
  bumped AS (
    UPDATE conversations c SET last_seq = h.seq
    FROM unnest($11::text[], $12::bigint[]) AS h(id, seq) WHERE c.id = h.id
  ),
  queued AS (
    UPDATE devices d SET queued_bytes = d.queued_bytes + q.bytes
    FROM unnest($13::text[], $14::bigint[]) AS q(id, bytes) WHERE d.id = q.id
  )
  SELECT 1`,
);

interface LockRow {
  k: "c" | "d";
  id: string;
  epoch: number | null;
  last_seq: number | null;
  proposal_epoch: number | null;
  queued_bytes: number | null;
}

type FactsRow = { i: number; is_member: boolean; blocked: boolean } & {
  [K in "seq" | "kind" | "sender_address" | "payload" | "epoch" | "server_time" | "membership"]:
    | LogRow[K]
    | null;
};

/**
 * PostgreSQL's write primitives for the shared algorithms (store/algorithms),
 * each a statement in the caller's READ COMMITTED transaction. One per
 * transaction.
 */
export class PgLogTx implements AppendTx, CommitTx, ProposalTx {
  constructor(
    private readonly tx: Transaction,
    private readonly inbox: InboxQueries,
  ) {}

  *lockHead(conversationId: string): Step<ConversationHead | undefined> {
    const [row] = yield* this.rows<{ epoch: number; last_seq: number; proposal_epoch: number | null }>(
      "SELECT epoch, last_seq, proposal_epoch FROM conversations WHERE id = $1 FOR UPDATE",
      [conversationId],
    );
    return row && { epoch: row.epoch, lastSeq: row.last_seq, proposalEpoch: row.proposal_epoch };
  }

  *findByClientId(
    conversationId: string,
    senderDeviceId: string,
    clientMessageId: string,
  ): Step<LogEntryRecord | undefined> {
    const [row] = yield* this.rows<LogRow>(
      "SELECT * FROM log WHERE conversation_id = $1 AND sender_device_id = $2 AND client_message_id = $3",
      [conversationId, senderDeviceId, clientMessageId],
    );
    return row && toLogEntry(row);
  }

  *insertEntry(
    kind: EntryKind,
    f: EntryFields,
    membership: MembershipDelta | null,
    seq: number,
  ): Step<LogEntryRecord> {
    const delta = membership === null ? null : copyDelta(membership);
    yield* this.rows(
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

  *appendFacts(messages: readonly NewMessage[]): Step<AppendFacts> {
    const locked = yield* this.rows<LockRow>(LOCK_APPEND, [
      [...new Set(messages.map((m) => m.conversationId))],
      [...new Set(messages.map((m) => m.senderDeviceId))],
    ]);
    const facts: AppendFacts = { heads: new Map(), queued: new Map(), senders: [] };
    for (const row of locked) {
      if (row.k === "d") facts.queued.set(row.id, row.queued_bytes ?? 0);
      else if (row.epoch !== null && row.last_seq !== null)
        facts.heads.set(row.id, {
          epoch: row.epoch,
          lastSeq: row.last_seq,
          proposalEpoch: row.proposal_epoch,
        });
    }
    const rows = yield* this.rows<FactsRow>(SENDER_FACTS, [
      messages.map((m) => m.conversationId),
      messages.map((m) => m.senderDeviceId),
      messages.map((m) => m.clientMessageId),
      messages.map((m) => m.senderAddress),
    ]);
    const exceptions = new Map(rows.map((row) => [Number(row.i) - 1, row]));
    for (const [index, m] of messages.entries()) {
      const row = exceptions.get(index);
      facts.senders.push(
        row === undefined
          ? { member: true, blocked: false, earlier: undefined }
          : { member: row.is_member, blocked: row.blocked, earlier: earlierEntry(m, row) },
      );
    }
    return facts;
  }

  *storeAppends(
    accepted: readonly AcceptedMessage[],
    heads: ReadonlyMap<string, number>,
    queued: ReadonlyMap<string, number>,
  ): Step<void> {
    const m = accepted.map((a) => a.message);
    const payloads = packPayloads(m.map((x) => x.payload));
    yield* this.rows(STORE_APPENDS, [
      m.map((x) => x.conversationId),
      accepted.map((a) => a.seq),
      m.map((x) => x.senderDeviceId),
      m.map((x) => x.senderAddress),
      m.map((x) => x.clientMessageId),
      payloads.bytes,
      payloads.at,
      payloads.lengths,
      m.map((x) => x.epoch),
      m.map((x) => x.serverTime),
      [...heads.keys()],
      [...heads.values()],
      [...queued.keys()],
      [...queued.values()],
    ]);
  }

  *advanceEpoch(conversationId: string, seq: number, groupInfo: Uint8Array): Step<void> {
    yield* this.rows(
      "UPDATE conversations SET epoch = epoch + 1, last_seq = $2, group_info = $3 WHERE id = $1",
      [conversationId, seq, groupInfo],
    );
  }

  // Each of the four is its own statement, so the inserts see the deletes.
  *removeMembers(conversationId: string, deviceIds: readonly string[]): Step<void> {
    yield* this.rows("DELETE FROM members WHERE conversation_id = $1 AND device_id = ANY($2::text[])", [
      conversationId,
      deviceIds,
    ]);
  }

  *removeParticipants(conversationId: string, addresses: readonly string[]): Step<void> {
    yield* this.rows("DELETE FROM participants WHERE conversation_id = $1 AND address = ANY($2::text[])", [
      conversationId,
      addresses,
    ]);
  }

  *addParticipants(conversationId: string, addresses: readonly string[]): Step<void> {
    yield* this.rows(
      `INSERT INTO participants (conversation_id, address) SELECT $1, a FROM unnest($2::text[]) AS a
       ON CONFLICT DO NOTHING`,
      [conversationId, addresses],
    );
  }

  /** Foreign keys reject an unknown device, and with it the whole transaction (SPEC ST10). */
  *addMembers(conversationId: string, deviceIds: readonly string[], seq: number): Step<void> {
    yield* this.rows(
      `INSERT INTO members (conversation_id, device_id, joined_seq, cursor)
       SELECT $1, d, $3::bigint, $3::bigint FROM unnest($2::text[]) AS d ORDER BY d
       ON CONFLICT DO NOTHING`,
      [conversationId, deviceIds, seq],
    );
  }

  putWelcome(welcome: Uint8Array, items: readonly InboxItem[]): Step<InboxRecord[]> {
    return pending(this.inbox.putWelcome(this.tx, welcome, [...items]));
  }

  *recordProposal(proposal: NewProposal, seq: number): Step<void> {
    const id = proposal.conversationId;
    yield* this.rows("UPDATE conversations SET last_seq = $2, proposal_epoch = $3 WHERE id = $1", [
      id,
      seq,
      proposal.epoch,
    ]);
    yield* this.rows(
      `INSERT INTO hub_proposals (conversation_id, seq, epoch, ref, removed_device_id)
       VALUES ($1, $2, $3, $4, $5)`,
      [id, seq, proposal.epoch, proposal.ref, proposal.removedDeviceId],
    );
  }

  private rows<R extends pg.QueryResultRow>(text: string | Prepared, values: unknown[]): Step<R[]> {
    return pending(this.tx.rows<R>(text, values));
  }
}

/** The payloads end to end, and where each starts (1-based, as SQL's substring counts) and how long it is. */
function packPayloads(payloads: readonly Uint8Array[]): {
  bytes: Buffer;
  at: number[];
  lengths: number[];
} {
  const at: number[] = [];
  const lengths: number[] = [];
  let next = 1;
  for (const p of payloads) {
    at.push(next);
    lengths.push(p.length);
    next += p.length;
  }
  return { bytes: Buffer.concat(payloads, next - 1), at, lengths };
}

function earlierEntry(m: NewMessage, row: FactsRow): LogEntryRecord | undefined {
  if (row.seq === null || row.kind === null || row.payload === null) return undefined;
  return toLogEntry({
    conversation_id: m.conversationId,
    seq: row.seq,
    kind: row.kind,
    sender_device_id: m.senderDeviceId,
    sender_address: row.sender_address ?? "",
    client_message_id: m.clientMessageId,
    payload: row.payload,
    epoch: row.epoch ?? 0,
    server_time: row.server_time ?? 0,
    membership: row.membership,
  });
}
