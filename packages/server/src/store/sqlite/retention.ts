import type Database from "better-sqlite3";
import type { PruneCut, PruneLogPage, PruneLogResult } from "../port.js";
import { bytesBySender, prunablePrefix } from "../prune.js";
import { SETTLE_LAST_SEQ } from "./headSeq.js";
import type { EntryKey } from "./log.js";

interface CandidateRow {
  seq: number;
  server_time: number;
  kind: string;
  sender_device_id: string;
  client_message_id: string;
  bytes: number;
}

/** A prune step's result, and the keys of the entries it deleted (forgotten once it commits, ST65). */
export interface PruneLogStep extends PruneLogResult {
  forgotten: EntryKey[];
}

/**
 * The pruner's writes (SPEC ST23): each call is one bounded transaction, so
 * a prune never holds the writer for long. Which entries go is decided once,
 * for every adapter, in store/prune.ts.
 */
export class RetentionQueries {
  private readonly selectConversations;
  private readonly selectOldest;
  private readonly deleteThrough;
  private readonly setPruned;
  private readonly settleLastSeq;
  private readonly freeQueued;

  constructor(db: Database.Database) {
    this.selectConversations = db.prepare<
      [string, number],
      { id: string; pruned_seq: number; min_cursor: number | null }
    >(
      `SELECT c.id, c.pruned_seq, (SELECT min(m.cursor) FROM members m WHERE m.conversation_id = c.id) AS min_cursor
       FROM conversations c WHERE c.id > ? ORDER BY c.id LIMIT ?`,
    );
    this.selectOldest = db.prepare<[string, number, number], CandidateRow>(
      `SELECT seq, server_time, kind, sender_device_id, client_message_id, length(payload) AS bytes
       FROM log WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    );
    this.deleteThrough = db.prepare<[string, number]>(
      "DELETE FROM log WHERE conversation_id = ? AND seq <= ?",
    );
    this.setPruned = db.prepare<[number, string]>("UPDATE conversations SET pruned_seq = ? WHERE id = ?");
    this.settleLastSeq = db.prepare<[string]>(SETTLE_LAST_SEQ);
    this.freeQueued = db.prepare<[number, string]>(
      "UPDATE devices SET queued_bytes = max(0, queued_bytes - ?) WHERE id = ?",
    );
  }

  /** Runs inside one write transaction. */
  pruneLog(cut: PruneCut, page: PruneLogPage): PruneLogStep {
    const conversations = this.selectConversations.all(page.after, page.conversations);
    const forgotten: EntryKey[] = [];
    let budget = page.entries;
    let deleted = 0;
    let done = page.after;
    for (const c of conversations) {
      if (budget <= 0) return { deleted, next: done, forgotten };
      const oldest = this.selectOldest.all(c.id, c.pruned_seq, budget);
      const rows = oldest.map((r) => ({ seq: r.seq, serverTime: r.server_time }));
      const n = prunablePrefix(rows, c.min_cursor, cut);
      budget -= oldest.length;
      if (n > 0) {
        const gone = oldest.slice(0, n);
        const through = gone[n - 1]?.seq ?? c.pruned_seq;
        // [ST51] the last seq is kept in the row before the entries that carry it go.
        this.settleLastSeq.run(c.id);
        this.deleteThrough.run(c.id, through);
        this.setPruned.run(through, c.id);
        const freed = bytesBySender(
          gone.map((r) => ({ kind: r.kind, senderDeviceId: r.sender_device_id, bytes: r.bytes })),
        );
        for (const [device, bytes] of freed) this.freeQueued.run(bytes, device);
        for (const r of gone)
          forgotten.push({
            conversationId: c.id,
            senderDeviceId: r.sender_device_id,
            clientMessageId: r.client_message_id,
            seq: r.seq,
          });
        deleted += n;
      }
      // Stopped by the budget with all it read prunable: there may be more here.
      if (budget <= 0 && n === oldest.length && n > 0) return { deleted, next: done, forgotten };
      done = c.id;
    }
    return { deleted, next: conversations.length < page.conversations ? undefined : done, forgotten };
  }
}
