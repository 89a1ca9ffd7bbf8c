import type Database from "better-sqlite3";
import type { BlockRecord } from "../blocksPort.js";

/** Blocklists (SPEC PP5). Writes run inside a group-commit batch. */
export class BlockQueries {
  private readonly insert;
  private readonly remove;
  private readonly exists;
  private readonly page;
  private readonly inDirect;
  private readonly shared;

  constructor(db: Database.Database) {
    this.insert = db.prepare<[string, string, number]>(
      "INSERT INTO blocks (blocker, blocked, blocked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.remove = db.prepare<[string, string]>("DELETE FROM blocks WHERE blocker = ? AND blocked = ?");
    this.exists = db.prepare<[string, string], { n: number }>(
      "SELECT 1 AS n FROM blocks WHERE blocker = ? AND blocked = ?",
    );
    this.page = db.prepare<[string, string, number], { blocked: string; blocked_at: number }>(
      "SELECT blocked, blocked_at FROM blocks WHERE blocker = ? AND blocked > ? ORDER BY blocked LIMIT ?",
    );
    this.inDirect = db.prepare<[string, string], { n: number }>(
      `SELECT 1 AS n FROM conversations c
         JOIN participants p ON p.conversation_id = c.id
         JOIN blocks b ON b.blocker = p.address AND b.blocked = ?
       WHERE c.id = ? AND c.kind = 'direct' LIMIT 1`,
    );
    this.shared = db.prepare<[string, string], { n: number }>(
      `SELECT 1 AS n FROM participants p1
         JOIN participants p2 ON p2.conversation_id = p1.conversation_id
       WHERE p1.address = ? AND p2.address = ? LIMIT 1`,
    );
  }

  sharesConversation(a: string, b: string): boolean {
    return this.shared.get(a, b) !== undefined;
  }

  blockedInDirect(conversationId: string, sender: string): boolean {
    return this.inDirect.get(sender, conversationId) !== undefined;
  }

  block(blocker: string, blocked: string, at: number): boolean {
    return this.insert.run(blocker, blocked, at).changes > 0;
  }

  unblock(blocker: string, blocked: string): boolean {
    return this.remove.run(blocker, blocked).changes > 0;
  }

  hasBlocked(blocker: string, blocked: string): boolean {
    return this.exists.get(blocker, blocked) !== undefined;
  }

  list(blocker: string, afterAddress: string, limit: number): BlockRecord[] {
    return this.page
      .all(blocker, afterAddress, limit)
      .map((r) => ({ address: r.blocked, blockedAt: r.blocked_at }));
  }
}
