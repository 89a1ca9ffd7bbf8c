import type { PruneCut, PruneLogPage, PruneLogResult } from "../port.js";
import { bytesBySender, prunablePrefix } from "../prune.js";
import type { Database } from "./database.js";

/**
 * The pruner's writes (SPEC ST23). A step reads outside any transaction,
 * then deletes each conversation's prunable run in a transaction of its own,
 * so a conversation's row (which every append to it locks) is held only for
 * its own delete, never for the whole step. Which entries go is decided
 * once, for every adapter, in store/prune.ts.
 *
 * Locks: the conversation row, then the senders' rows (quota counters) in id
 * order, as the append takes them; so a prune and an append batch never
 * deadlock. Nodes may prune at once: the bytes freed are counted from the
 * rows each DELETE actually removed, and pruned_seq only moves forward.
 */
export class RetentionQueries {
  constructor(private readonly db: Database) {}

  async pruneLog(cut: PruneCut, page: PruneLogPage): Promise<PruneLogResult> {
    const conversations = await this.db.read<{ id: string; pruned_seq: number; min_cursor: number | null }>(
      `SELECT c.id, c.pruned_seq,
              (SELECT min(m.cursor) FROM members m WHERE m.conversation_id = c.id) AS min_cursor
       FROM conversations c WHERE c.id > $1 ORDER BY c.id LIMIT $2`,
      [page.after, page.conversations],
    );
    let budget = page.entries;
    let deleted = 0;
    let done = page.after;
    for (const c of conversations) {
      if (budget <= 0) return { deleted, next: done };
      const oldest = await this.db.read<{ seq: number; server_time: number }>(
        "SELECT seq, server_time FROM log WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        [c.id, c.pruned_seq, budget],
      );
      const rows = oldest.map((r) => ({ seq: r.seq, serverTime: r.server_time }));
      const n = prunablePrefix(rows, c.min_cursor, cut);
      budget -= oldest.length;
      const through = rows[n - 1]?.seq;
      if (through !== undefined) deleted += await this.deleteThrough(c.id, through);
      // Stopped by the budget with all it read prunable: there may be more here.
      if (budget <= 0 && n === oldest.length && n > 0) return { deleted, next: done };
      done = c.id;
    }
    return { deleted, next: conversations.length < page.conversations ? undefined : done };
  }

  /** Delete a conversation's entries up to `through`, move pruned_seq, free the senders' quota. */
  private deleteThrough(conversationId: string, through: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const removed = await tx.rows<{ kind: string; sender_device_id: string; bytes: number }>(
        `DELETE FROM log WHERE conversation_id = $1 AND seq <= $2
         RETURNING kind, sender_device_id, octet_length(payload) AS bytes`,
        [conversationId, through],
      );
      await tx.rows("UPDATE conversations SET pruned_seq = GREATEST(pruned_seq, $2) WHERE id = $1", [
        conversationId,
        through,
      ]);
      const freed = [
        ...bytesBySender(
          removed.map((r) => ({ kind: r.kind, senderDeviceId: r.sender_device_id, bytes: r.bytes })),
        ),
      ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (freed.length > 0) {
        // An UPDATE ... FROM locks rows in no set order: lock them in id order first.
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

  async queuedBytes(deviceId: string): Promise<number> {
    const [row] = await this.db.read<{ queued_bytes: number }>(
      "SELECT queued_bytes FROM devices WHERE id = $1",
      [deviceId],
    );
    return row?.queued_bytes ?? 0;
  }
}
