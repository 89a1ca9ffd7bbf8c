import type Database from "better-sqlite3";
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
import { ready, type Step } from "../algorithms/step.js";
import { copyDelta, entryRecord, type EntryFields } from "../entryRecord.js";
import { headSeq } from "./headSeq.js";
import type { InboxQueries } from "./inbox.js";
import type { LogQueries } from "./log.js";

interface HeadRow {
  epoch: number;
  last_seq: number;
  proposal_epoch: number | null;
}

/**
 * SQLite's write primitives for the shared algorithms (store/algorithms):
 * prepared statements answered at once. They run inside the group commit's
 * transaction; SQLite has one writer, so reading the head is as good as
 * locking it.
 */
export class SqliteLogTx implements AppendTx, CommitTx, ProposalTx {
  private readonly selectHead;
  private readonly selectMember;
  private readonly selectBlocked;
  private readonly insert;
  private readonly addQueued;
  private readonly advance;
  private readonly deleteMember;
  private readonly insertMember;
  private readonly deleteParticipant;
  private readonly insertParticipant;
  private readonly markProposal;
  private readonly insertProposal;

  constructor(
    db: Database.Database,
    private readonly log: LogQueries,
    private readonly inbox: InboxQueries,
  ) {
    this.selectHead = db.prepare<[string], HeadRow>(
      `SELECT c.epoch, ${headSeq("c")} AS last_seq, c.proposal_epoch FROM conversations c WHERE c.id = ?`,
    );
    // Per message of a batch: membership. Whether the client id is taken is
    // the idempotency keys' to say (log.ts, SPEC ST65): a unique index on it
    // cost a random B-tree leaf per message. Raw: no object per message.
    this.selectMember = db.prepare<[string, string], [number]>(
      "SELECT EXISTS (SELECT 1 FROM members WHERE conversation_id = ? AND device_id = ?)",
    );
    this.selectMember.raw(true);
    // [PP6] [ST50] whether the other participant of a direct conversation has
    // blocked the sender's account: read here, inside the batch's transaction,
    // once per conversation and sender of the batch. As a query of its own
    // before every append it was 13% of the hub's CPU at saturation (each a
    // read transaction of its own; bench/README.md, "CPU per message").
    // Bound as (conversation, sender address), like selectMember.
    this.selectBlocked = db.prepare<[string, string], [number]>(
      `SELECT EXISTS (SELECT 1 FROM conversations c
         JOIN participants p ON p.conversation_id = c.id
       WHERE c.id = ? AND c.kind = 'direct'
         AND EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = p.address AND b.blocked = ?))`,
    );
    this.selectBlocked.raw(true);
    this.insert = db.prepare<
      [string, number, EntryKind, string, string, string, Uint8Array, number, number, string | null]
    >(
      `INSERT INTO log (conversation_id, seq, kind, sender_device_id, sender_address, client_message_id,
                        payload, epoch, server_time, membership)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.addQueued = db.prepare<[number, string]>(
      "UPDATE devices SET queued_bytes = queued_bytes + ? WHERE id = ?",
    );
    this.advance = db.prepare<[number, Uint8Array, string]>(
      "UPDATE conversations SET epoch = epoch + 1, last_seq = ?, group_info = ? WHERE id = ?",
    );
    this.deleteMember = db.prepare<[string, string]>(
      "DELETE FROM members WHERE conversation_id = ? AND device_id = ?",
    );
    this.insertMember = db.prepare<[string, string, number, number]>(
      `INSERT INTO members (conversation_id, device_id, joined_seq, cursor) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_id, device_id) DO NOTHING`,
    );
    this.deleteParticipant = db.prepare<[string, string]>(
      "DELETE FROM participants WHERE conversation_id = ? AND address = ?",
    );
    this.insertParticipant = db.prepare<[string, string]>(
      "INSERT OR IGNORE INTO participants (conversation_id, address) VALUES (?, ?)",
    );
    this.markProposal = db.prepare<[number, number, string]>(
      "UPDATE conversations SET last_seq = ?, proposal_epoch = ? WHERE id = ?",
    );
    this.insertProposal = db.prepare<[string, number, number, Uint8Array, string]>(
      `INSERT INTO hub_proposals (conversation_id, seq, epoch, ref, removed_device_id)
       VALUES (?, ?, ?, ?, ?)`,
    );
  }

  lockHead(conversationId: string): Step<ConversationHead | undefined> {
    return ready(this.headOf(conversationId));
  }

  private headOf(conversationId: string): ConversationHead | undefined {
    const row = this.selectHead.get(conversationId);
    return row && { epoch: row.epoch, lastSeq: row.last_seq, proposalEpoch: row.proposal_epoch };
  }

  findByClientId(
    conversationId: string,
    senderDeviceId: string,
    clientMessageId: string,
  ): Step<LogEntryRecord | undefined> {
    return ready(this.log.findByClientId(conversationId, senderDeviceId, clientMessageId));
  }

  insertEntry(
    kind: EntryKind,
    fields: EntryFields,
    membership: MembershipDelta | null,
    seq: number,
  ): Step<LogEntryRecord> {
    return ready(this.insertNow(kind, fields, membership, seq));
  }

  /** Each conversation's head and each sender's counter once per batch; membership and retries per message. */
  appendFacts(messages: readonly NewMessage[]): Step<AppendFacts> {
    const facts: AppendFacts = { heads: new Map(), queued: new Map(), senders: [] };
    // Per conversation and sender, once per batch, kept by conversation then
    // sender (no joined key string per message). A batch only appends, so
    // both hold for the whole batch, and a busy conversation puts dozens of
    // one sender's messages in one batch.
    const members = new Map<string, Map<string, boolean>>();
    const blocked = new Map<string, Map<string, boolean>>();
    for (const m of messages) {
      if (!facts.heads.has(m.conversationId)) {
        const head = this.headOf(m.conversationId);
        if (head !== undefined) facts.heads.set(m.conversationId, head);
      }
      if (!facts.queued.has(m.senderDeviceId))
        facts.queued.set(m.senderDeviceId, this.log.queuedBytes(m.senderDeviceId));
      const member = askOnce(members, this.selectMember, m.conversationId, m.senderDeviceId);
      const earlier = this.log.findByClientId(m.conversationId, m.senderDeviceId, m.clientMessageId);
      const isBlocked = member && askOnce(blocked, this.selectBlocked, m.conversationId, m.senderAddress);
      facts.senders.push({ member, blocked: isBlocked, earlier });
    }
    return ready(facts);
  }

  storeAppends(
    accepted: readonly AcceptedMessage[],
    heads: ReadonlyMap<string, number>,
    queued: ReadonlyMap<string, number>,
  ): Step<void> {
    for (const { message, seq } of accepted) this.write("application", message, null, seq);
    // [ST51] no conversation row is rewritten: its last seq is its log's highest (headSeq.ts).
    for (const [deviceId, bytes] of queued) this.addQueued.run(bytes, deviceId);
    return ready(undefined);
  }

  advanceEpoch(conversationId: string, seq: number, groupInfo: Uint8Array): Step<void> {
    this.advance.run(seq, groupInfo, conversationId);
    return ready(undefined);
  }

  removeMembers(conversationId: string, deviceIds: readonly string[]): Step<void> {
    for (const device of deviceIds) this.deleteMember.run(conversationId, device);
    return ready(undefined);
  }

  removeParticipants(conversationId: string, addresses: readonly string[]): Step<void> {
    for (const address of addresses) this.deleteParticipant.run(conversationId, address);
    return ready(undefined);
  }

  addParticipants(conversationId: string, addresses: readonly string[]): Step<void> {
    for (const address of addresses) this.insertParticipant.run(conversationId, address);
    return ready(undefined);
  }

  addMembers(conversationId: string, deviceIds: readonly string[], seq: number): Step<void> {
    for (const device of deviceIds) this.insertMember.run(conversationId, device, seq, seq);
    return ready(undefined);
  }

  putWelcome(welcome: Uint8Array, items: readonly InboxItem[]): Step<InboxRecord[]> {
    return ready(this.inbox.putWelcome(welcome, [...items]));
  }

  recordProposal(proposal: NewProposal, seq: number): Step<void> {
    const id = proposal.conversationId;
    this.markProposal.run(seq, proposal.epoch, id);
    this.insertProposal.run(id, seq, proposal.epoch, proposal.ref, proposal.removedDeviceId);
    return ready(undefined);
  }

  private insertNow(
    kind: EntryKind,
    f: EntryFields,
    membership: MembershipDelta | null,
    seq: number,
  ): LogEntryRecord {
    const delta = membership === null ? null : copyDelta(membership);
    this.write(kind, f, delta, seq);
    return entryRecord(kind, f, seq, delta);
  }

  private write(kind: EntryKind, f: EntryFields, delta: MembershipDelta | null, seq: number): void {
    this.insert.run(
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
    );
    this.log.remember(f.conversationId, f.senderDeviceId, f.clientMessageId, seq);
  }
}

/** A raw EXISTS statement over two ids. */
type Exists = Database.Statement<[string, string], [number]>;

/**
 * `statement`'s answer for (outer, inner), read the first time a batch asks
 * and kept in `known` after. No closure per message: this runs for every
 * message of a batch.
 */
function askOnce(
  known: Map<string, Map<string, boolean>>,
  statement: Exists,
  outer: string,
  inner: string,
): boolean {
  let byInner = known.get(outer);
  if (byInner === undefined) {
    byInner = new Map();
    known.set(outer, byInner);
  }
  let answer = byInner.get(inner);
  if (answer === undefined) {
    answer = (statement.get(outer, inner) as unknown as [number])[0] === 1;
    byInner.set(inner, answer);
  }
  return answer;
}
