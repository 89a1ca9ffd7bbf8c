import type { InboxRecord } from "../port.js";
import type { Database, Sql } from "./database.js";
import { budgetParam } from "./pageQuery.js";
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
   * With `activeOnly`, unknown and revoked devices get nothing. With
   * `welcomeId`, every item refers to that stored Welcome (SPEC ST28) and
   * keeps no copy of its own.
   */
  async put(
    sql: Sql,
    items: InboxItem[],
    activeOnly = false,
    welcomeId: number | null = null,
  ): Promise<InboxRecord[]> {
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
       INSERT INTO inbox (device_id, kind, conversation_id, payload, sender_address, sender_device_id, server_time, seq, welcome_id)
       SELECT i.*, $9::bigint FROM item i JOIN locked l ON l.id = i.device_id ORDER BY i.device_id
       RETURNING id, device_id`,
      [
        ordered.map((i) => i.deviceId),
        ordered.map((i) => i.kind),
        // Items outside any conversation store NULL, so the foreign key holds for welcomes.
        ordered.map((i) => (i.conversationId === "" ? null : i.conversationId)),
        ordered.map((i) => (welcomeId === null ? i.payload : EMPTY)),
        ordered.map((i) => i.senderAddress),
        ordered.map((i) => i.senderDeviceId),
        ordered.map((i) => i.serverTime),
        ordered.map((i) => i.seq),
        welcomeId,
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

  /**
   * [ST28] One Welcome for every device in `items` (all carrying the same
   * payload): stored once, each item referring to it, in the caller's
   * transaction. `refs` is set to the items actually stored.
   */
  async putWelcome(tx: Sql, welcome: Uint8Array, items: InboxItem[]): Promise<InboxRecord[]> {
    if (items.length === 0) return [];
    const [stored] = await tx.rows<{ id: number }>(
      "INSERT INTO welcomes (payload, refs) VALUES ($1, 0) RETURNING id",
      [welcome],
    );
    if (stored === undefined) throw new Error("welcome insert returned no id");
    const put = await this.put(tx, items, false, stored.id);
    await tx.rows("UPDATE welcomes SET refs = $2 WHERE id = $1", [stored.id, put.length]);
    return put;
  }

  /**
   * The byte budget is applied in SQL, counting a stored Welcome's bytes for
   * the items that refer to it, so only the returned rows' payloads are read.
   */
  async read(deviceId: string, afterId: number, limit: number, maxBytes: number): Promise<InboxRecord[]> {
    // PostgreSQL refuses a negative LIMIT; the port means "nothing".
    if (!(limit > 0)) return [];
    const rows = await this.db.read<InboxRow>(
      `SELECT t.*, welcomes.payload AS welcome_payload FROM inbox t
       JOIN (
         SELECT i.id AS k,
                coalesce(sum(coalesce(octet_length(w.payload), octet_length(i.payload)))
                  OVER (ORDER BY i.id ROWS UNBOUNDED PRECEDING), 0)
                  - coalesce(octet_length(w.payload), octet_length(i.payload)) AS before
         FROM inbox i LEFT JOIN welcomes w ON w.id = i.welcome_id
         WHERE i.device_id = $1 AND i.id > $2 ORDER BY i.id LIMIT $3
       ) page ON t.device_id = $1 AND t.id = page.k
       LEFT JOIN welcomes ON welcomes.id = t.welcome_id
       WHERE $4::bigint IS NULL OR page.before <= $4::bigint
       ORDER BY t.id`,
      [deviceId, afterId, limit, budgetParam(maxBytes)],
    );
    return rows.map(toInboxItem);
  }

  async ack(deviceId: string, upToId: number): Promise<void> {
    await this.db.transaction((tx) =>
      this.deleteIn(tx, "DELETE FROM inbox WHERE device_id = $1 AND id <= $2", [deviceId, upToId]),
    );
  }

  /** Drop every item of the device (it was revoked), in the caller's transaction. */
  async dropAll(tx: Sql, deviceId: string): Promise<void> {
    await this.deleteIn(tx, "DELETE FROM inbox WHERE device_id = $1", [deviceId]);
  }

  /** [ST26] At most `limit` items older than `expiredBefore`, oldest first; their Welcomes are released too. */
  pruneExpired(expiredBefore: number, limit: number): Promise<number> {
    if (!(limit > 0)) return Promise.resolve(0);
    return this.db.transaction((tx) =>
      this.deleteIn(
        tx,
        `DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE server_time < $1 ORDER BY server_time LIMIT $2)`,
        [expiredBefore, limit],
      ),
    );
  }

  async countStoredWelcomes(): Promise<number> {
    const [row] = await this.db.read<{ n: string }>("SELECT count(*) AS n FROM welcomes");
    return Number(row?.n ?? 0);
  }

  /**
   * [ST28] Delete items; the Welcomes they referred to lose a reference each,
   * and go with their last one. The UPDATE locks each Welcome row, so two
   * devices acking at once count down one after the other and exactly one of
   * them sees zero.
   */
  private async deleteIn(tx: Sql, deleteItems: string, values: unknown[]): Promise<number> {
    // One row for the count of items deleted (released = false), one per Welcome released.
    const rows = await tx.rows<{ released: boolean; id: number; refs: number }>(
      `WITH gone AS (${deleteItems} RETURNING welcome_id),
       dropped AS (
         SELECT welcome_id AS id, count(*)::int AS n FROM gone WHERE welcome_id IS NOT NULL GROUP BY welcome_id
       ),
       released AS (
         UPDATE welcomes w SET refs = w.refs - d.n FROM dropped d WHERE w.id = d.id RETURNING w.id, w.refs
       )
       SELECT false AS released, count(*)::int AS id, 0 AS refs FROM gone
       UNION ALL SELECT true, id, refs FROM released`,
      values,
    );
    const unreferenced = rows.filter((r) => r.released && r.refs <= 0).map((r) => r.id);
    if (unreferenced.length > 0)
      await tx.rows("DELETE FROM welcomes WHERE id = ANY($1::bigint[]) AND refs <= 0", [unreferenced]);
    return rows.find((r) => !r.released)?.id ?? 0;
  }
}

const EMPTY = new Uint8Array(0);
