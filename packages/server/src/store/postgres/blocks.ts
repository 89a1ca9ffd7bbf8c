import type { BlockRecord } from "../blocksPort.js";
import type { Database } from "./database.js";

/** Blocklists (SPEC PP5): one statement each, so each is atomic on its own. */
export class BlockQueries {
  constructor(private readonly db: Database) {}

  async block(blocker: string, blocked: string, at: number): Promise<boolean> {
    const rows = await this.db.rows(
      `INSERT INTO blocks (blocker, blocked, blocked_at) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING blocked`,
      [blocker, blocked, at],
    );
    return rows.length > 0;
  }

  async unblock(blocker: string, blocked: string): Promise<boolean> {
    const rows = await this.db.rows(
      "DELETE FROM blocks WHERE blocker = $1 AND blocked = $2 RETURNING blocked",
      [blocker, blocked],
    );
    return rows.length > 0;
  }

  async hasBlocked(blocker: string, blocked: string): Promise<boolean> {
    const rows = await this.db.read("SELECT 1 FROM blocks WHERE blocker = $1 AND blocked = $2", [
      blocker,
      blocked,
    ]);
    return rows.length > 0;
  }

  async sharesConversation(a: string, b: string): Promise<boolean> {
    const rows = await this.db.read(
      `SELECT 1 FROM participants p1
         JOIN participants p2 ON p2.conversation_id = p1.conversation_id
       WHERE p1.address = $1 AND p2.address = $2 LIMIT 1`,
      [a, b],
    );
    return rows.length > 0;
  }

  async blockedInDirect(conversationId: string, sender: string): Promise<boolean> {
    const rows = await this.db.read(
      `SELECT 1 FROM conversations c
         JOIN participants p ON p.conversation_id = c.id
         JOIN blocks b ON b.blocker = p.address AND b.blocked = $1
       WHERE c.id = $2 AND c.kind = 'direct' LIMIT 1`,
      [sender, conversationId],
    );
    return rows.length > 0;
  }

  async list(blocker: string, afterAddress: string, limit: number): Promise<BlockRecord[]> {
    const rows = await this.db.read<{ blocked: string; blocked_at: string }>(
      `SELECT blocked, blocked_at FROM blocks WHERE blocker = $1 AND blocked > $2
       ORDER BY blocked LIMIT $3`,
      [blocker, afterAddress, limit],
    );
    return rows.map((r) => ({ address: r.blocked, blockedAt: Number(r.blocked_at) }));
  }
}
