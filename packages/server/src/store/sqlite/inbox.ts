import type Database from "better-sqlite3";
import type { InboxKind, InboxRecord } from "../port.js";
import { takeWithinBudget } from "../pageBudget.js";
import { toInboxItem, type InboxRow } from "./rows.js";

/** An inbox item as written: everything but the id the store assigns. */
export type InboxItem = Omit<InboxRecord, "id">;

/**
 * The small per-device inbox: welcomes, link envelopes and sealed messages
 * from the device's own account. Items are read in id order and deleted on ack.
 */
export class InboxQueries {
  private readonly insert;
  private readonly selectAfter;
  private readonly deleteUpTo;
  private readonly sumBytes;

  constructor(db: Database.Database) {
    this.insert = db.prepare<
      [string, InboxKind, string | null, Uint8Array, string, string, number, number],
      { id: number }
    >(
      `INSERT INTO inbox (device_id, kind, conversation_id, payload, sender_address, sender_device_id, server_time, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    this.selectAfter = db.prepare<[string, number, number], InboxRow>(
      "SELECT * FROM inbox WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?",
    );
    this.deleteUpTo = db.prepare<[string, number]>("DELETE FROM inbox WHERE device_id = ? AND id <= ?");
    // A sum, not a counter: only device messages check it, which are rare
    // and not on the message path; length() of a blob reads the record
    // header, not the blob.
    this.sumBytes = db.prepare<[string], { bytes: number | null }>(
      "SELECT sum(length(payload)) AS bytes FROM inbox WHERE device_id = ?",
    );
  }

  /** The bytes of the device's inbox items (SPEC DS13). */
  bytes(deviceId: string): number {
    return this.sumBytes.get(deviceId)?.bytes ?? 0;
  }

  /** Store an item and return it as stored, without reading it back. */
  put(item: InboxItem): InboxRecord {
    // Items outside any conversation store NULL, so the foreign key holds for welcomes.
    const conversationId = item.conversationId === "" ? null : item.conversationId;
    const row = this.insert.get(
      item.deviceId,
      item.kind,
      conversationId,
      item.payload,
      item.senderAddress,
      item.senderDeviceId,
      item.serverTime,
      item.seq,
    );
    if (row === undefined) throw new Error("inbox insert returned no id");
    return {
      id: row.id,
      deviceId: item.deviceId,
      kind: item.kind,
      conversationId: item.conversationId,
      payload: item.payload,
      senderAddress: item.senderAddress,
      serverTime: item.serverTime,
      seq: item.seq,
      senderDeviceId: item.senderDeviceId,
    };
  }

  /** Steps the statement only as far as the byte budget allows (pageBudget.ts). */
  read(deviceId: string, afterId: number, limit: number, maxBytes: number): InboxRecord[] {
    // SQLite reads a negative LIMIT as "no limit"; the port means "nothing".
    if (!(limit > 0)) return [];
    const rows = this.selectAfter.iterate(deviceId, afterId, limit);
    return takeWithinBudget(rows, limit, maxBytes, (row) => row.payload.length).map(toInboxItem);
  }

  ack(deviceId: string, upToId: number): void {
    this.deleteUpTo.run(deviceId, upToId);
  }
}
