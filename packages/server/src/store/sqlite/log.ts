import type Database from "better-sqlite3";
import type { LogEntryRecord } from "../port.js";
import { takeWithinBudget } from "../pageBudget.js";
import { IdempotencyKeys, keyHash } from "./idempotencyKeys.js";
import { toLogEntry, type LogRow } from "./rows.js";

/** An entry's idempotency key and seq: what the pruner tells the keys it deleted. */
export interface EntryKey {
  conversationId: string;
  senderDeviceId: string;
  clientMessageId: string;
  seq: number;
}

/**
 * Reading the per-conversation ordered log (DESIGN rule 4). Writes go
 * through the shared algorithms (store/algorithms) over logTx.ts.
 */
export class LogQueries {
  private readonly selectQueued;
  private readonly selectAt;
  private readonly selectAfter;
  /** [ST65] Where each key's entry may be; every hit is checked against the log. */
  private readonly keys = new IdempotencyKeys();

  constructor(db: Database.Database) {
    this.selectQueued = db.prepare<[string], { queued_bytes: number }>(
      "SELECT queued_bytes FROM devices WHERE id = ?",
    );
    this.selectAt = db.prepare<[string, number], LogRow>(
      "SELECT * FROM log WHERE conversation_id = ? AND seq = ?",
    );
    const every = db.prepare<[], [string, string, string, number]>(
      "SELECT conversation_id, sender_device_id, client_message_id, seq FROM log",
    );
    for (const [conversationId, sender, clientId, seq] of every.raw(true).iterate())
      this.keys.add(keyHash(conversationId, sender, clientId), seq);
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
    const hash = keyHash(conversationId, senderDeviceId, clientMessageId);
    for (const seq of this.keys.seqsOf(hash)) {
      const row = this.selectAt.get(conversationId, seq);
      if (row?.sender_device_id === senderDeviceId && row.client_message_id === clientMessageId)
        return toLogEntry(row);
    }
    return undefined;
  }

  /** An entry was inserted, in the transaction running now (kept even if it rolls back: harmless). */
  remember(conversationId: string, senderDeviceId: string, clientMessageId: string, seq: number): void {
    this.keys.add(keyHash(conversationId, senderDeviceId, clientMessageId), seq);
  }

  /** Entries whose delete has committed (never before: a rolled-back delete leaves them in the log). */
  forget(entries: readonly EntryKey[]): void {
    for (const e of entries)
      this.keys.forget(keyHash(e.conversationId, e.senderDeviceId, e.clientMessageId), e.seq);
  }

  queuedBytes(deviceId: string): number {
    return this.selectQueued.get(deviceId)?.queued_bytes ?? 0;
  }

  /** Steps the statement only as far as the byte budget allows (pageBudget.ts). */
  read(conversationId: string, afterSeq: number, limit: number, maxBytes: number): LogEntryRecord[] {
    // SQLite reads a negative LIMIT as "no limit"; the port means "nothing".
    if (!(limit > 0)) return [];
    const rows = this.selectAfter.iterate(conversationId, afterSeq, limit);
    return takeWithinBudget(rows, limit, maxBytes, (row) => row.payload.length).map(toLogEntry);
  }
}
