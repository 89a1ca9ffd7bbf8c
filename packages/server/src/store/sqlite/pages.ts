import type Database from "better-sqlite3";
import type { ConversationView, DeviceRecord, GroupAdd, PageRequest } from "../port.js";
import { toConversation, toDevice, type ConversationRow, type DeviceRow } from "./rows.js";
import { conversationColumns } from "./headSeq.js";

/**
 * Paged listings (SPEC ST29) and the counts behind the membership caps
 * (SPEC DS16). A page continues after the item named by its cursor, in the
 * unpaged order ((created_at, id) for conversations; (created_at, rowid),
 * insertion order within a millisecond, for devices); "" starts at the beginning.
 */
export class PageQueries {
  private readonly conversationsPage;
  private readonly participantsOf;
  private readonly devicesPage;
  private readonly activeDevicesPage;
  private readonly countParticipations;
  private readonly insertAdd;
  private readonly forgetAdds;
  private readonly countAdds;

  constructor(db: Database.Database) {
    this.conversationsPage = db.prepare<
      [string, string, string, number],
      ConversationRow & { cursor: number }
    >(
      `SELECT ${conversationColumns("c")}, m.cursor FROM members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.device_id = ?
         AND (? = '' OR (c.created_at, c.id) > (SELECT created_at, id FROM conversations WHERE id = ?))
       ORDER BY c.created_at, c.id LIMIT ?`,
    );
    this.participantsOf = db.prepare<[string], { address: string }>(
      "SELECT address FROM participants WHERE conversation_id = ?",
    );
    const devices = (activeOnly: boolean) =>
      db.prepare<[string, string, string, number], DeviceRow>(
        `SELECT * FROM devices WHERE address = ? ${activeOnly ? "AND revoked_at IS NULL" : ""}
           AND (? = '' OR (created_at, rowid) > (SELECT created_at, rowid FROM devices WHERE id = ?))
         ORDER BY created_at, rowid LIMIT ?`,
      );
    this.devicesPage = devices(false);
    this.activeDevicesPage = devices(true);
    this.countParticipations = db.prepare<[string], { n: number }>(
      "SELECT count(*) AS n FROM participants WHERE address = ?",
    );
    this.insertAdd = db.prepare<[string, string, string, number]>(
      "INSERT INTO group_adds (address, conversation_id, adder, added_at) VALUES (?, ?, ?, ?)",
    );
    this.forgetAdds = db.prepare<[number]>("DELETE FROM group_adds WHERE added_at < ?");
    this.countAdds = db.prepare<[string, number], { n: number }>(
      "SELECT count(*) AS n FROM group_adds WHERE address = ? AND added_at >= ?",
    );
  }

  conversations(deviceId: string, page: PageRequest): ConversationView[] {
    // SQLite reads a negative LIMIT as "no limit"; a page of nothing is empty.
    if (!(page.limit > 0)) return [];
    return this.conversationsPage.all(deviceId, page.afterId, page.afterId, page.limit).map((row) => ({
      ...toConversation(
        row,
        this.participantsOf.all(row.id).map((p) => p.address),
      ),
      cursor: row.cursor,
    }));
  }

  devices(address: string, includeRevoked: boolean, page: PageRequest): DeviceRecord[] {
    if (!(page.limit > 0)) return [];
    const query = includeRevoked ? this.devicesPage : this.activeDevicesPage;
    return query.all(address, page.afterId, page.afterId, page.limit).map(toDevice);
  }

  countConversations(address: string): number {
    return this.countParticipations.get(address)?.n ?? 0;
  }

  recordGroupAdds(adds: GroupAdd[], forgetBefore: number): void {
    this.forgetAdds.run(forgetBefore);
    for (const add of adds) this.insertAdd.run(add.address, add.conversationId, add.adder, add.at);
  }

  countGroupAdds(address: string, since: number): number {
    return this.countAdds.get(address, since)?.n ?? 0;
  }
}
