import type Database from "better-sqlite3";
import type { LogEntryRecord } from "../port.js";
import { takeWithinBudget } from "../pageBudget.js";
import { toLogEntry, type LogRow } from "./rows.js";

/**
 * Reading the per-conversation ordered log (DESIGN rule 4). Writes go
 * through the shared algorithms (store/algorithms) over logTx.ts.
 */
export class LogQueries {
  private readonly selectQueued;
  private readonly selectByClientId;
  private readonly selectAfter;

  constructor(db: Database.Database) {
    this.selectQueued = db.prepare<[string], { queued_bytes: number }>(
      "SELECT queued_bytes FROM devices WHERE id = ?",
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
