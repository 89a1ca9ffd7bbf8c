import type {
  ConversationRecord,
  ConversationView,
  CreateConversationResult,
  Membership,
  NewConversation,
} from "../port.js";
import type { Database } from "./database.js";
import { toConversation, type ConversationRow } from "./rows.js";

/**
 * The key of a direct pair, the same in either order. "\n" cannot occur in a
 * normalised address, so two different pairs never share a key.
 */
export function directPair(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** A conversation row with its participants, in one statement. */
const CONVERSATION_COLUMNS = `c.id, c.kind, c.epoch, c.last_seq, c.created_at, c.group_info,
  ARRAY(SELECT p.address FROM participants p WHERE p.conversation_id = c.id) AS participants`;

/** Conversations, their participant accounts and member devices. */
export class ConversationQueries {
  constructor(private readonly db: Database) {}

  async create(conversation: NewConversation): Promise<CreateConversationResult> {
    const { id, kind, peerAddress } = conversation;
    if (kind === "direct" && peerAddress === undefined)
      throw new TypeError("a direct conversation needs a peerAddress");
    if (kind === "group" && peerAddress !== undefined)
      throw new TypeError("a group conversation has no peerAddress");
    const pair = peerAddress === undefined ? null : directPair(conversation.creatorAddress, peerAddress);
    return this.db.transaction(async (tx): Promise<CreateConversationResult> => {
      // Both unique keys (id, direct_pair) in one insert: a racing insert of
      // either is waited for, and then this one does nothing.
      const inserted = await tx.rows(
        `INSERT INTO conversations (id, kind, epoch, last_seq, created_at, group_info, direct_pair)
         VALUES ($1, $2, 0, 0, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
        [id, kind, conversation.createdAt, conversation.groupInfo, pair],
      );
      if (inserted.length === 0) {
        // New statements: they see the row that won.
        const [taken] = await tx.rows("SELECT 1 FROM conversations WHERE id = $1", [id]);
        if (taken !== undefined) return { kind: "id_taken" };
        const [existing] = await tx.rows<{ id: string }>(
          "SELECT id FROM conversations WHERE direct_pair = $1",
          [pair],
        );
        if (existing !== undefined) return { kind: "direct_exists", id: existing.id };
        throw new Error(`conversation ${id} conflicted with a row that is gone`);
      }
      await tx.rows("INSERT INTO participants (conversation_id, address) VALUES ($1, $2)", [
        id,
        conversation.creatorAddress,
      ]);
      await tx.rows(
        "INSERT INTO members (conversation_id, device_id, joined_seq, cursor) VALUES ($1, $2, 0, 0)",
        [id, conversation.creatorDeviceId],
      );
      return {
        kind: "created",
        conversation: {
          id,
          kind,
          epoch: 0,
          lastSeq: 0,
          createdAt: conversation.createdAt,
          participants: [conversation.creatorAddress],
          groupInfo: new Uint8Array(conversation.groupInfo),
        },
      };
    });
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    const [row] = await this.db.read<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = $1`,
      [id],
    );
    return row && toConversation(row);
  }

  async findDirect(a: string, b: string): Promise<string | undefined> {
    const [row] = await this.db.read<{ id: string }>("SELECT id FROM conversations WHERE direct_pair = $1", [
      directPair(a, b),
    ]);
    return row?.id;
  }

  async list(deviceId: string): Promise<ConversationView[]> {
    const rows = await this.db.read<ConversationRow & { cursor: number }>(
      `SELECT ${CONVERSATION_COLUMNS}, m.cursor
       FROM members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.device_id = $1 ORDER BY c.created_at, c.id`,
      [deviceId],
    );
    return rows.map((row) => ({ ...toConversation(row), cursor: row.cursor }));
  }

  async membership(conversationId: string, deviceId: string): Promise<Membership | undefined> {
    const [row] = await this.db.read<{ joined_seq: number; pruned_seq: number }>(
      `SELECT m.joined_seq, c.pruned_seq FROM members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.conversation_id = $1 AND m.device_id = $2`,
      [conversationId, deviceId],
    );
    if (row === undefined) return undefined;
    // Only when something was pruned, so a membership reads as it always did otherwise.
    return row.pruned_seq > 0
      ? { joinedSeq: row.joined_seq, prunedSeq: row.pruned_seq }
      : { joinedSeq: row.joined_seq };
  }

  async members(conversationId: string): Promise<string[]> {
    const rows = await this.db.read<{ device_id: string }>(
      "SELECT device_id FROM members WHERE conversation_id = $1 ORDER BY device_id",
      [conversationId],
    );
    return rows.map((row) => row.device_id);
  }

  /** Revoked devices stay members until a commit removes them. */
  async revokedMembers(conversationId: string): Promise<string[]> {
    const rows = await this.db.read<{ device_id: string }>(
      `SELECT m.device_id FROM members m JOIN devices d ON d.id = m.device_id
       WHERE m.conversation_id = $1 AND d.revoked_at IS NOT NULL ORDER BY m.device_id`,
      [conversationId],
    );
    return rows.map((row) => row.device_id);
  }
}
