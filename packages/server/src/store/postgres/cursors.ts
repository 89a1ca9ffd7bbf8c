import type { CursorUpdate } from "../port.js";
import type { Database } from "./database.js";

/**
 * Per (device, conversation) acknowledged positions, all moved in one
 * statement. A cursor only moves forward and never past the log's head, so a
 * replayed or forged ack cannot make a device skip entries it has not been
 * sent.
 *
 * An update for a conversation the device is not a member of (or that does
 * not exist) is ignored, not refused: acks race with removals, and one stale
 * ack must not fail the others in the same batch. Membership is enforced at
 * the edge by the delivery service.
 */
export class CursorQueries {
  constructor(private readonly db: Database) {}

  async advanceAll(deviceId: string, cursors: CursorUpdate[]): Promise<void> {
    if (cursors.length === 0) return;
    // One update per conversation (a row updated twice by one statement keeps
    // only one of the values), in conversation order.
    const highest = new Map<string, number>();
    for (const { conversationId, seq } of cursors)
      highest.set(conversationId, Math.max(seq, highest.get(conversationId) ?? seq));
    const ids = [...highest.keys()].sort();
    await this.db.rows(
      `UPDATE members m SET cursor = LEAST(GREATEST(m.cursor, u.seq), c.last_seq)
       FROM unnest($2::text[], $3::bigint[]) AS u(conversation_id, seq)
       JOIN conversations c ON c.id = u.conversation_id
       WHERE m.device_id = $1 AND m.conversation_id = u.conversation_id`,
      [deviceId, ids, ids.map((id) => highest.get(id))],
    );
  }
}
