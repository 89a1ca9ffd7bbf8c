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
  private readonly insertWelcome;
  private readonly selectAfter;
  private readonly deleteUpTo;
  private readonly sumBytes;
  private readonly deleteAll;
  private readonly deleteExpired;
  private readonly releaseWelcome;
  private readonly dropWelcome;
  private readonly countWelcomes;

  constructor(db: Database.Database) {
    this.insert = db.prepare<
      [string, InboxKind, string | null, Uint8Array, string, string, number, number, number | null],
      { id: number }
    >(
      `INSERT INTO inbox (device_id, kind, conversation_id, payload, sender_address, sender_device_id, server_time, seq, welcome_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    this.insertWelcome = db.prepare<[Uint8Array, number], { id: number }>(
      "INSERT INTO welcomes (payload, refs) VALUES (?, ?) RETURNING id",
    );
    this.selectAfter = db.prepare<[string, number, number], InboxRow>(
      `SELECT inbox.*, welcomes.payload AS welcome_payload
       FROM inbox LEFT JOIN welcomes ON welcomes.id = inbox.welcome_id
       WHERE inbox.device_id = ? AND inbox.id > ? ORDER BY inbox.id LIMIT ?`,
    );
    this.deleteUpTo = db.prepare<[string, number], { welcome_id: number | null }>(
      "DELETE FROM inbox WHERE device_id = ? AND id <= ? RETURNING welcome_id",
    );
    this.deleteAll = db.prepare<[string], { welcome_id: number | null }>(
      "DELETE FROM inbox WHERE device_id = ? RETURNING welcome_id",
    );
    this.deleteExpired = db.prepare<[number, number], { welcome_id: number | null }>(
      "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE server_time < ? LIMIT ?) RETURNING welcome_id",
    );
    this.releaseWelcome = db.prepare<[number, number]>("UPDATE welcomes SET refs = refs - ? WHERE id = ?");
    this.dropWelcome = db.prepare<[number]>("DELETE FROM welcomes WHERE id = ? AND refs <= 0");
    this.countWelcomes = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM welcomes");
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
  put(item: InboxItem, welcomeId: number | null = null): InboxRecord {
    // Items outside any conversation store NULL, so the foreign key holds for welcomes.
    const conversationId = item.conversationId === "" ? null : item.conversationId;
    const row = this.insert.get(
      item.deviceId,
      item.kind,
      conversationId,
      // [ST28] an item naming a stored Welcome keeps no copy of its own.
      welcomeId === null ? item.payload : EMPTY,
      item.senderAddress,
      item.senderDeviceId,
      item.serverTime,
      item.seq,
      welcomeId,
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

  /**
   * [ST28] One Welcome for every device in `items` (all carrying the same
   * payload): stored once, each item referring to it. Runs in the caller's
   * transaction.
   */
  putWelcome(welcome: Uint8Array, items: InboxItem[]): InboxRecord[] {
    if (items.length === 0) return [];
    const stored = this.insertWelcome.get(welcome, items.length);
    if (stored === undefined) throw new Error("welcome insert returned no id");
    return items.map((item) => this.put(item, stored.id));
  }

  /**
   * Steps the statement only as far as the byte budget allows (pageBudget.ts);
   * an item that refers to a stored Welcome counts the Welcome's bytes.
   */
  read(deviceId: string, afterId: number, limit: number, maxBytes: number): InboxRecord[] {
    // SQLite reads a negative LIMIT as "no limit"; the port means "nothing".
    if (!(limit > 0)) return [];
    const rows = this.selectAfter.iterate(deviceId, afterId, limit);
    return takeWithinBudget(rows, limit, maxBytes, (row) => (row.welcome_payload ?? row.payload).length).map(
      toInboxItem,
    );
  }

  ack(deviceId: string, upToId: number): void {
    this.release(this.deleteUpTo.all(deviceId, upToId));
  }

  /** Drop every item of the device (it was revoked), in the caller's transaction. */
  dropAll(deviceId: string): void {
    this.release(this.deleteAll.all(deviceId));
  }

  /** [ST26] At most `limit` items older than `expiredBefore`; their Welcomes are released too. */
  pruneExpired(expiredBefore: number, limit: number): number {
    if (!(limit > 0)) return 0;
    const deleted = this.deleteExpired.all(expiredBefore, limit);
    this.release(deleted);
    return deleted.length;
  }

  countStoredWelcomes(): number {
    return this.countWelcomes.get()?.n ?? 0;
  }

  /** [ST28] Deleted items no longer refer to their Welcomes; the last reference takes a Welcome along. */
  private release(deleted: { welcome_id: number | null }[]): void {
    const counts = new Map<number, number>();
    for (const { welcome_id: id } of deleted) if (id !== null) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, n] of counts) {
      this.releaseWelcome.run(n, id);
      this.dropWelcome.run(id);
    }
  }
}

const EMPTY = new Uint8Array(0);
