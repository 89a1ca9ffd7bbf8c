import type { PruneCut, PruneLogPage, PruneLogResult } from "../port.js";
import { bytesBySender, prunablePrefix } from "../prune.js";
import type { Database } from "./database.js";

/**
 * The pruner's writes (SPEC ST23): each call is one bounded transaction.
 * Which entries go is decided once, for every adapter, in store/prune.ts.
 *
 * Locks: conversation rows in id order, then device rows (the quota
 * counters) in id order at the end, as the append takes them; so a prune and
 * an append batch never deadlock. Nodes may prune at once: the bytes freed
 * are counted from the rows each DELETE actually removed, and pruned_seq
 * only moves forward.
 */
export class RetentionQueries {
  constructor(private readonly db: Database) {}

  async pruneLog(cut: PruneCut, page: PruneLogPage): Promise<PruneLogResult> {
    return this.db.transaction(async (tx) => {
      const conversations = await tx.rows<{ id: string; pruned_seq: number; min_cursor: number | null }>(
        `SELECT c.id, c.pruned_seq,
                (SELECT min(m.cursor) FROM members m WHERE m.conversation_id = c.id) AS min_cursor
         FROM conversations c WHERE c.id > $1 ORDER BY c.id LIMIT $2`,
        [page.after, page.conversations],
      );
      let budget = page.entries;
      let deleted = 0;
      let done = page.after;
      let next: string | undefined;
      const gone: { kind: string; senderDeviceId: string; bytes: number }[] = [];
      for (const c of conversations) {
        if (budget <= 0) {
          next = done;
          break;
        }
        const oldest = await tx.rows<{ seq: number; server_time: number }>(
          "SELECT seq, server_time FROM log WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
          [c.id, c.pruned_seq, budget],
        );
        const rows = oldest.map((r) => ({ seq: r.seq, serverTime: r.server_time }));
        const n = prunablePrefix(rows, c.min_cursor, cut);
        budget -= oldest.length;
        const through = rows[n - 1]?.seq;
        if (through !== undefined) {
          const removed = await tx.rows<{ kind: string; sender_device_id: string; bytes: number }>(
            `DELETE FROM log WHERE conversation_id = $1 AND seq <= $2
             RETURNING kind, sender_device_id, octet_length(payload) AS bytes`,
            [c.id, through],
          );
          await tx.rows("UPDATE conversations SET pruned_seq = GREATEST(pruned_seq, $2) WHERE id = $1", [
            c.id,
            through,
          ]);
          for (const r of removed)
            gone.push({ kind: r.kind, senderDeviceId: r.sender_device_id, bytes: r.bytes });
          deleted += removed.length;
        }
        // Stopped by the budget with all it read prunable: there may be more here.
        if (budget <= 0 && n === oldest.length && n > 0) {
          next = done;
          break;
        }
        done = c.id;
        if (c === conversations[conversations.length - 1] && conversations.length === page.conversations)
          next = done;
      }
      const freed = [...bytesBySender(gone)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (freed.length > 0) {
        await tx.rows(
          `UPDATE devices d SET queued_bytes = GREATEST(0, d.queued_bytes - f.bytes)
           FROM unnest($1::text[], $2::bigint[]) AS f(id, bytes) WHERE d.id = f.id`,
          [freed.map(([id]) => id), freed.map(([, bytes]) => bytes)],
        );
      }
      return { deleted, next };
    });
  }

  async pruneInbox(expiredBefore: number, limit: number): Promise<number> {
    if (!(limit > 0)) return 0;
    const rows = await this.db.rows<{ id: number }>(
      `DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE server_time < $1 ORDER BY server_time LIMIT $2)
       RETURNING id`,
      [expiredBefore, limit],
    );
    return rows.length;
  }

  async queuedBytes(deviceId: string): Promise<number> {
    const [row] = await this.db.read<{ queued_bytes: number }>(
      "SELECT queued_bytes FROM devices WHERE id = $1",
      [deviceId],
    );
    return row?.queued_bytes ?? 0;
  }
}
