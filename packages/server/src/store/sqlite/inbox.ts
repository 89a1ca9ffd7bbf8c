import type Database from "better-sqlite3";
import type { InboxRecord } from "../port.js";
import { toInboxItem, type InboxRow } from "./rows.js";

/** The small per-device inbox (welcomes). Items are read in id order and deleted on ack. */
export class InboxQueries {
  private readonly selectAfter;
  private readonly deleteUpTo;

  constructor(db: Database.Database) {
    this.selectAfter = db.prepare<[string, number, number], InboxRow>(
      "SELECT * FROM inbox WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?",
    );
    this.deleteUpTo = db.prepare<[string, number]>("DELETE FROM inbox WHERE device_id = ? AND id <= ?");
  }

  read(deviceId: string, afterId: number, limit: number): InboxRecord[] {
    // SQLite reads a negative LIMIT as "no limit"; the port means "nothing".
    if (!(limit > 0)) return [];
    return this.selectAfter.all(deviceId, afterId, limit).map(toInboxItem);
  }

  ack(deviceId: string, upToId: number): void {
    this.deleteUpTo.run(deviceId, upToId);
  }
}
