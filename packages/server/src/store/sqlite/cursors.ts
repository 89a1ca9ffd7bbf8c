import type Database from "better-sqlite3";
import type { CursorUpdate } from "../port.js";
import { headSeq } from "./headSeq.js";

/**
 * Per (device, conversation) acknowledged positions. A cursor only moves
 * forward and never past the log's head, so a replayed or forged ack cannot
 * make a device skip entries it has not been sent (DESIGN rule 4).
 *
 * An update for a conversation the device is not a member of (or that does
 * not exist) is ignored, not refused: acks race with removals, and one stale
 * ack must not fail the others in the same batch. Membership is enforced at
 * the edge by the delivery service.
 */
export class CursorQueries {
  private readonly advance;

  constructor(db: Database.Database) {
    this.advance = db.prepare<[number, string, string]>(
      `UPDATE members
       SET cursor = min(max(cursor, ?), (SELECT ${headSeq("c")} FROM conversations c WHERE c.id = members.conversation_id))
       WHERE conversation_id = ? AND device_id = ?`,
    );
  }

  advanceAll(deviceId: string, cursors: CursorUpdate[]): void {
    for (const { conversationId, seq } of cursors) this.advance.run(seq, conversationId, deviceId);
  }
}
