import type { InboxRecord } from "../port.js";
import type { Database, Sql } from "./database.js";
import { budgetParam, budgetedPage } from "./pageQuery.js";
import { toInboxItem, type InboxRow } from "./rows.js";

/** An inbox item as written: everything but the id the store assigns. */
export type InboxItem = Omit<InboxRecord, "id">;

/**
 * The small per-device inbox: welcomes, link envelopes and sealed messages
 * from the device's own account. Items are read in id order and deleted on ack.
 *
 * A reader asks for "ids after N", so one device's ids must become visible in
 * increasing order: every writer locks the device's row before the identity
 * hands out an id, and holds the lock until it commits. Two transactions
 * writing to one device therefore take ids, and commit, one after the other.
 */
export class InboxQueries {
  constructor(private readonly db: Database) {}

  /**
   * Put one item per distinct device in `items` (a Welcome to each added
   * device), inside the caller's transaction; devices are locked in id order,
   * as every other multi-row lock in this adapter is, so writers never deadlock.
   * With `activeOnly`, unknown and revoked devices get nothing.
   */
  async put(sql: Sql, items: InboxItem[], activeOnly = false): Promise<InboxRecord[]> {
    if (items.length === 0) return [];
    const byDevice = new Map(items.map((item) => [item.deviceId, item]));
    const ordered = [...byDevice.values()];
    const rows = await sql.rows<{ id: number; device_id: string }>(
      `WITH locked AS MATERIALIZED (
         SELECT id FROM devices WHERE id = ANY($1::text[]) ${activeOnly ? "AND revoked_at IS NULL" : ""}
         ORDER BY id FOR NO KEY UPDATE
       ),
       item AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::text[],
                              $7::bigint[], $8::bigint[])
           AS t(device_id, kind, conversation_id, payload, sender_address, sender_device_id, server_time, seq)
       )
       INSERT INTO inbox (device_id, kind, conversation_id, payload, sender_address, sender_device_id, server_time, seq)
       SELECT i.* FROM item i JOIN locked l ON l.id = i.device_id ORDER BY i.device_id
       RETURNING id, device_id`,
      [
        ordered.map((i) => i.deviceId),
        ordered.map((i) => i.kind),
        // Items outside any conversation store NULL, so the foreign key holds for welcomes.
        ordered.map((i) => (i.conversationId === "" ? null : i.conversationId)),
        ordered.map((i) => i.payload),
        ordered.map((i) => i.senderAddress),
        ordered.map((i) => i.senderDeviceId),
        ordered.map((i) => i.serverTime),
        ordered.map((i) => i.seq),
      ],
    );
    const ids = new Map(rows.map((row) => [row.device_id, row.id]));
    return ordered.flatMap((item) => {
      const id = ids.get(item.deviceId);
      return id === undefined ? [] : [{ id, ...item }];
    });
  }

  /**
   * Lock an active device's row and sum its inbox (SPEC DS13), inside the
   * caller's transaction; undefined for an unknown or revoked device. A sum,
   * not a counter: only device messages check it, which are rare and not on
   * the message path; octet_length of a stored bytea reads its header.
   */
  async lockedBytes(sql: Sql, deviceId: string): Promise<number | undefined> {
    const [device] = await sql.rows(
      "SELECT 1 FROM devices WHERE id = $1 AND revoked_at IS NULL FOR NO KEY UPDATE",
      [deviceId],
    );
    if (device === undefined) return undefined;
    const [row] = await sql.rows<{ bytes: number | null }>(
      "SELECT sum(octet_length(payload))::bigint AS bytes FROM inbox WHERE device_id = $1",
      [deviceId],
    );
    return row?.bytes ?? 0;
  }

  /** The byte budget is applied in SQL (budgetedPage), so only the returned rows' payloads are read. */
  async read(deviceId: string, afterId: number, limit: number, maxBytes: number): Promise<InboxRecord[]> {
    // PostgreSQL refuses a negative LIMIT; the port means "nothing".
    if (!(limit > 0)) return [];
    const rows = await this.db.read<InboxRow>(budgetedPage("inbox", "device_id", "id"), [
      deviceId,
      afterId,
      limit,
      budgetParam(maxBytes),
    ]);
    return rows.map(toInboxItem);
  }

  async ack(deviceId: string, upToId: number): Promise<void> {
    await this.db.rows("DELETE FROM inbox WHERE device_id = $1 AND id <= $2", [deviceId, upToId]);
  }
}
