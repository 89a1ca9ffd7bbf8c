import type Database from "better-sqlite3";
import type { AppendResult, EntryKind, LogEntryRecord, MembershipDelta, NewMessage } from "../port.js";
import { toLogEntry, type LogRow } from "./rows.js";

/** What an entry carries besides what the log assigns (seq) or the kind implies: a NewMessage's fields. */
export type EntryFields = NewMessage;

/**
 * The per-conversation ordered log (DESIGN rule 4). Seqs come from the
 * conversation row's last_seq, bumped in the same transaction as the insert,
 * so they are contiguous from 1 with no gaps and no repeats.
 */
export class LogQueries {
  private readonly bumpSeq;
  private readonly bumpSeqForMessage;
  private readonly selectEpoch;
  private readonly selectMember;
  private readonly insert;
  private readonly selectByClientId;
  private readonly selectAfter;

  constructor(db: Database.Database) {
    this.bumpSeq = db.prepare<[string], { last_seq: number }>(
      "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
    );
    // SPEC DS9 and DS10 folded into the update every append already runs: no
    // row comes back when the message is not for the current epoch, or while
    // a hub proposal is pending at it. IS NOT is SQLite's null-safe
    // inequality (no proposal yet: NULL).
    this.bumpSeqForMessage = db.prepare<[string, number], { last_seq: number }>(
      `UPDATE conversations SET last_seq = last_seq + 1
       WHERE id = ? AND epoch = ? AND proposal_epoch IS NOT epoch RETURNING last_seq`,
    );
    this.selectMember = db.prepare<[string, string], { one: number }>(
      "SELECT 1 AS one FROM members WHERE conversation_id = ? AND device_id = ?",
    );
    this.selectEpoch = db.prepare<[string], { epoch: number }>(
      "SELECT epoch FROM conversations WHERE id = ?",
    );
    this.insert = db.prepare<
      [string, number, EntryKind, string, string, string, Uint8Array, number, number, string | null]
    >(
      `INSERT INTO log (conversation_id, seq, kind, sender_device_id, sender_address, client_message_id,
                        payload, epoch, server_time, membership)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectByClientId = db.prepare<[string, string, string], LogRow>(
      "SELECT * FROM log WHERE conversation_id = ? AND sender_device_id = ? AND client_message_id = ?",
    );
    this.selectAfter = db.prepare<[string, number, number], LogRow>(
      "SELECT * FROM log WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    );
  }

  /** DESIGN rule 3: the entry an earlier send with this client message id stored, if any. */
  findByClientId(
    conversationId: string,
    senderDeviceId: string,
    clientMessageId: string,
  ): LogEntryRecord | undefined {
    const row = this.selectByClientId.get(conversationId, senderDeviceId, clientMessageId);
    return row && toLogEntry(row);
  }

  append(message: NewMessage): AppendResult {
    if (this.selectMember.get(message.conversationId, message.senderDeviceId) === undefined)
      return { kind: "not_member" };
    const earlier = this.findByClientId(
      message.conversationId,
      message.senderDeviceId,
      message.clientMessageId,
    );
    if (earlier !== undefined) return { kind: "duplicate", entry: earlier };
    const row = this.bumpSeqForMessage.get(message.conversationId, message.epoch);
    if (row === undefined) {
      // The rare path: tell a wrong epoch and a pending proposal from an unknown conversation.
      const current = this.selectEpoch.get(message.conversationId);
      if (current === undefined) throw new Error(`unknown conversation ${message.conversationId}`);
      if (current.epoch !== message.epoch) return { kind: "wrong_epoch", currentEpoch: current.epoch };
      return { kind: "proposals_pending" };
    }
    return { kind: "appended", entry: this.insertEntry("application", message, null, row.last_seq) };
  }

  /** Claim the conversation's next seq; throws for an unknown conversation. */
  nextSeq(conversationId: string): number {
    const row = this.bumpSeq.get(conversationId);
    if (row === undefined) throw new Error(`unknown conversation ${conversationId}`);
    return row.last_seq;
  }

  /** Insert an entry at `seq` (from nextSeq) and return it as stored, without reading it back. */
  insertEntry(
    kind: EntryKind,
    fields: EntryFields,
    membership: MembershipDelta | null,
    seq: number,
  ): LogEntryRecord {
    const f = fields;
    const delta = membership === null ? null : copyDelta(membership);
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
    return {
      conversationId: f.conversationId,
      seq,
      kind,
      senderDeviceId: f.senderDeviceId,
      senderAddress: f.senderAddress,
      clientMessageId: f.clientMessageId,
      payload: f.payload,
      epoch: f.epoch,
      serverTime: f.serverTime,
      membership: delta,
    };
  }

  read(conversationId: string, afterSeq: number, limit: number): LogEntryRecord[] {
    // SQLite reads a negative LIMIT as "no limit"; the port means "nothing".
    if (!(limit > 0)) return [];
    return this.selectAfter.all(conversationId, afterSeq, limit).map(toLogEntry);
  }
}

/** Only the four lists are stored, whatever else the caller's object carries. */
function copyDelta(delta: MembershipDelta): MembershipDelta {
  return {
    addedDevices: [...delta.addedDevices],
    removedDevices: [...delta.removedDevices],
    addedAccounts: [...delta.addedAccounts],
    removedAccounts: [...delta.removedAccounts],
  };
}
