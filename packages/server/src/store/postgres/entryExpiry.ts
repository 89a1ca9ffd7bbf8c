import { bytesBySender } from "../prune.js";
import type { Database } from "./database.js";

/**
 * Disappearing messages on the hub (SPEC XP7), as the SQLite adapter's
 * entryExpiry.ts: expiries in a table beside the log, and one bounded prune
 * step per call, one transaction. Locks: the log rows, then the senders'
 * quota rows in id order, as the retention pruner takes them.
 */
export class EntryExpiryQueries {
  constructor(private readonly db: Database) {}

  async set(conversationId: string, seq: number, expiresAt: number): Promise<void> {
    await this.db.rows(
      `INSERT INTO entry_expiry (conversation_id, seq, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id, seq) DO UPDATE SET expires_at = LEAST(entry_expiry.expires_at, EXCLUDED.expires_at)`,
      [conversationId, seq, expiresAt],
    );
  }

  prune(now: number, limit: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const due = await tx.rows<{ conversation_id: string; seq: string }>(
        `DELETE FROM entry_expiry WHERE (conversation_id, seq) IN (
           SELECT conversation_id, seq FROM entry_expiry WHERE expires_at <= $1
           ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING conversation_id, seq`,
        [now, limit],
      );
      if (due.length === 0) return 0;
      const removed = await tx.rows<{ kind: string; sender_device_id: string; bytes: number }>(
        `DELETE FROM log l USING unnest($1::text[], $2::bigint[]) AS d(conversation_id, seq)
         WHERE l.conversation_id = d.conversation_id AND l.seq = d.seq
         RETURNING l.kind, l.sender_device_id, octet_length(l.payload) AS bytes`,
        [due.map((d) => d.conversation_id), due.map((d) => d.seq)],
      );
      const freed = [
        ...bytesBySender(
          removed.map((r) => ({ kind: r.kind, senderDeviceId: r.sender_device_id, bytes: Number(r.bytes) })),
        ),
      ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (freed.length > 0) {
        await tx.rows("SELECT 1 FROM devices WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE", [
          freed.map(([id]) => id),
        ]);
        await tx.rows(
          `UPDATE devices d SET queued_bytes = GREATEST(0, d.queued_bytes - f.bytes)
           FROM unnest($1::text[], $2::bigint[]) AS f(id, bytes) WHERE d.id = f.id`,
          [freed.map(([id]) => id), freed.map(([, bytes]) => bytes)],
        );
      }
      return removed.length;
    });
  }
}
