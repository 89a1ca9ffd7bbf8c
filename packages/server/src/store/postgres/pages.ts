import type { ConversationView, DeviceRecord, GroupAdd, PageRequest } from "../port.js";
import type { Database } from "./database.js";
import { toConversation, toDevice, type ConversationRow, type DeviceRow } from "./rows.js";

/**
 * Paged listings (SPEC ST29) and the counts behind the membership caps
 * (SPEC DS16). A page continues after the item named by its cursor, in
 * (created_at, id) order; "" starts at the beginning.
 */
export class PageQueries {
  constructor(private readonly db: Database) {}

  async conversations(deviceId: string, page: PageRequest): Promise<ConversationView[]> {
    // PostgreSQL refuses a negative LIMIT; a page of nothing is empty.
    if (!(page.limit > 0)) return [];
    const rows = await this.db.read<ConversationRow & { cursor: number }>(
      `SELECT c.id, c.kind, c.epoch, c.last_seq, c.created_at, c.group_info,
         ARRAY(SELECT p.address FROM participants p WHERE p.conversation_id = c.id) AS participants,
         m.cursor
       FROM members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.device_id = $1
         AND ($2 = '' OR (c.created_at, c.id) > (SELECT created_at, id FROM conversations WHERE id = $2))
       ORDER BY c.created_at, c.id LIMIT $3`,
      [deviceId, page.afterId, page.limit],
    );
    return rows.map((row) => ({ ...toConversation(row), cursor: row.cursor }));
  }

  async devices(address: string, includeRevoked: boolean, page: PageRequest): Promise<DeviceRecord[]> {
    if (!(page.limit > 0)) return [];
    const rows = await this.db.read<DeviceRow>(
      `SELECT * FROM devices WHERE address = $1 ${includeRevoked ? "" : "AND revoked_at IS NULL"}
         AND ($2 = '' OR (created_at, id) > (SELECT created_at, id FROM devices WHERE id = $2))
       ORDER BY created_at, id LIMIT $3`,
      [address, page.afterId, page.limit],
    );
    return rows.map(toDevice);
  }

  async countConversations(address: string): Promise<number> {
    const [row] = await this.db.read<{ n: string }>(
      "SELECT count(*) AS n FROM participants WHERE address = $1",
      [address],
    );
    return Number(row?.n ?? 0);
  }

  recordGroupAdds(adds: GroupAdd[], forgetBefore: number): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.rows("DELETE FROM group_adds WHERE added_at < $1", [forgetBefore]);
      if (adds.length === 0) return;
      await tx.rows(
        `INSERT INTO group_adds (address, conversation_id, adder, added_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`,
        [
          adds.map((a) => a.address),
          adds.map((a) => a.conversationId),
          adds.map((a) => a.adder),
          adds.map((a) => a.at),
        ],
      );
    });
  }

  async countGroupAdds(address: string, since: number): Promise<number> {
    const [row] = await this.db.read<{ n: string }>(
      "SELECT count(*) AS n FROM group_adds WHERE address = $1 AND added_at >= $2",
      [address, since],
    );
    return Number(row?.n ?? 0);
  }
}
