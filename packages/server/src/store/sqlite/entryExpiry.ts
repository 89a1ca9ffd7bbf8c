import type Database from "better-sqlite3";
import { bytesBySender } from "../prune.js";
import { SETTLE_LAST_SEQ } from "./headSeq.js";
import type { EntryKey } from "./log.js";

/**
 * Disappearing messages on the hub (SPEC XP7): when each application entry a
 * sender marked expires, in a table of its own beside the log (the append's
 * hot path is left as it is), and the pruner's step that deletes entries past
 * it. Runs inside the writer's transactions; the store turns secure_delete on
 * for the prune, so the ciphertext's bytes are zeroed, not left in free pages.
 */
export class EntryExpiryQueries {
  private readonly upsert;
  private readonly selectDue;
  private readonly deleteEntry;
  private readonly forget;
  private readonly freeQueued;
  private readonly settleLastSeq;

  constructor(db: Database.Database) {
    this.upsert = db.prepare<[string, number, number]>(
      `INSERT INTO entry_expiry (conversation_id, seq, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (conversation_id, seq) DO UPDATE SET expires_at = min(expires_at, excluded.expires_at)`,
    );
    this.selectDue = db.prepare<[number, number], { conversation_id: string; seq: number }>(
      "SELECT conversation_id, seq FROM entry_expiry WHERE expires_at <= ? ORDER BY expires_at LIMIT ?",
    );
    this.deleteEntry = db.prepare<
      [string, number],
      { kind: string; sender_device_id: string; client_message_id: string; bytes: number }
    >(
      `DELETE FROM log WHERE conversation_id = ? AND seq = ?
       RETURNING kind, sender_device_id, client_message_id, length(payload) AS bytes`,
    );
    this.forget = db.prepare<[string, number]>(
      "DELETE FROM entry_expiry WHERE conversation_id = ? AND seq = ?",
    );
    this.freeQueued = db.prepare<[number, string]>(
      "UPDATE devices SET queued_bytes = max(0, queued_bytes - ?) WHERE id = ?",
    );
    this.settleLastSeq = db.prepare<[string]>(SETTLE_LAST_SEQ);
  }

  set(conversationId: string, seq: number, expiresAt: number): void {
    this.upsert.run(conversationId, seq, expiresAt);
  }

  /**
   * Delete at most `limit` entries expired at `now`; frees their senders'
   * quota. Returns the deleted entries' keys, to forget once this commits (ST65).
   */
  prune(now: number, limit: number): EntryKey[] {
    const forgotten: EntryKey[] = [];
    const removed: { kind: string; senderDeviceId: string; bytes: number }[] = [];
    for (const due of this.selectDue.all(now, limit)) {
      // [ST51] the last seq is kept in the row before an entry that may carry it goes.
      this.settleLastSeq.run(due.conversation_id);
      for (const row of this.deleteEntry.all(due.conversation_id, due.seq)) {
        removed.push({ kind: row.kind, senderDeviceId: row.sender_device_id, bytes: row.bytes });
        forgotten.push({
          conversationId: due.conversation_id,
          senderDeviceId: row.sender_device_id,
          clientMessageId: row.client_message_id,
          seq: due.seq,
        });
      }
      this.forget.run(due.conversation_id, due.seq);
    }
    for (const [device, bytes] of bytesBySender(removed)) this.freeQueued.run(bytes, device);
    return forgotten;
  }
}
