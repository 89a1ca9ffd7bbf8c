import type Database from "better-sqlite3";
import type {
  ConversationRecord,
  ConversationView,
  CreateConversationResult,
  Membership,
  NewConversation,
} from "../port.js";
import { conversationColumns } from "./headSeq.js";
import { toConversation, type ConversationRow } from "./rows.js";

/**
 * The key of a direct pair, the same in either order. "\n" cannot occur in a
 * normalised address, so two different pairs never share a key.
 */
export function directPair(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** Conversations, their participant accounts and member devices. */
export class ConversationQueries {
  private readonly selectById;
  private readonly selectByPair;
  private readonly insert;
  private readonly insertParticipant;
  private readonly insertMember;
  private readonly selectParticipants;
  private readonly selectViews;
  private readonly selectParticipantsOfDevice;
  private readonly selectMembership;
  private readonly selectMembers;
  private readonly selectRevokedMembers;

  constructor(db: Database.Database) {
    this.selectById = db.prepare<[string], ConversationRow>(
      `SELECT ${conversationColumns("c")} FROM conversations c WHERE c.id = ?`,
    );
    this.selectByPair = db.prepare<[string], { id: string }>(
      "SELECT id FROM conversations WHERE direct_pair = ?",
    );
    this.insert = db.prepare<[string, string, number, Uint8Array, string | null]>(
      `INSERT INTO conversations (id, kind, epoch, last_seq, created_at, group_info, direct_pair)
       VALUES (?, ?, 0, 0, ?, ?, ?)`,
    );
    this.insertParticipant = db.prepare<[string, string]>(
      "INSERT OR IGNORE INTO participants (conversation_id, address) VALUES (?, ?)",
    );
    this.insertMember = db.prepare<[string, string]>(
      "INSERT INTO members (conversation_id, device_id, joined_seq, cursor) VALUES (?, ?, 0, 0)",
    );
    this.selectParticipants = db.prepare<[string], { address: string }>(
      "SELECT address FROM participants WHERE conversation_id = ?",
    );
    this.selectViews = db.prepare<[string], ConversationRow & { cursor: number }>(
      `SELECT ${conversationColumns("c")}, m.cursor FROM members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.device_id = ? ORDER BY c.created_at, c.id`,
    );
    // One query for every conversation's participants, instead of one per conversation.
    this.selectParticipantsOfDevice = db.prepare<[string], { conversation_id: string; address: string }>(
      `SELECT p.conversation_id, p.address FROM members m JOIN participants p ON p.conversation_id = m.conversation_id
       WHERE m.device_id = ?`,
    );
    this.selectMembership = db.prepare<[string, string], { joined_seq: number; pruned_seq: number }>(
      `SELECT m.joined_seq, c.pruned_seq FROM members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.conversation_id = ? AND m.device_id = ?`,
    );
    this.selectMembers = db.prepare<[string], { device_id: string }>(
      "SELECT device_id FROM members WHERE conversation_id = ? ORDER BY device_id",
    );
    this.selectRevokedMembers = db.prepare<[string], { device_id: string }>(
      `SELECT m.device_id FROM members m JOIN devices d ON d.id = m.device_id
       WHERE m.conversation_id = ? AND d.revoked_at IS NOT NULL ORDER BY m.device_id`,
    );
  }

  create(conversation: NewConversation): CreateConversationResult {
    const { id, kind, peerAddress } = conversation;
    if (kind === "direct" && peerAddress === undefined)
      throw new TypeError("a direct conversation needs a peerAddress");
    if (kind === "group" && peerAddress !== undefined)
      throw new TypeError("a group conversation has no peerAddress");
    if (this.selectById.get(id) !== undefined) return { kind: "id_taken" };
    const pair = peerAddress === undefined ? null : directPair(conversation.creatorAddress, peerAddress);
    if (pair !== null) {
      const existing = this.selectByPair.get(pair);
      if (existing !== undefined) return { kind: "direct_exists", id: existing.id };
    }
    this.insert.run(id, kind, conversation.createdAt, conversation.groupInfo, pair);
    this.insertParticipant.run(id, conversation.creatorAddress);
    this.insertMember.run(id, conversation.creatorDeviceId);
    const created = this.get(id);
    if (created === undefined) throw new Error(`conversation ${id} vanished while being created`);
    return { kind: "created", conversation: created };
  }

  get(id: string): ConversationRecord | undefined {
    const row = this.selectById.get(id);
    return row && toConversation(row, this.participants(id));
  }

  findDirect(a: string, b: string): string | undefined {
    return this.selectByPair.get(directPair(a, b))?.id;
  }

  list(deviceId: string): ConversationView[] {
    const participants = new Map<string, string[]>();
    for (const { conversation_id, address } of this.selectParticipantsOfDevice.all(deviceId)) {
      const list = participants.get(conversation_id);
      if (list === undefined) participants.set(conversation_id, [address]);
      else list.push(address);
    }
    return this.selectViews.all(deviceId).map((row) => ({
      ...toConversation(row, participants.get(row.id) ?? []),
      cursor: row.cursor,
    }));
  }

  membership(conversationId: string, deviceId: string): Membership | undefined {
    const row = this.selectMembership.get(conversationId, deviceId);
    if (row === undefined) return undefined;
    // Only when something was pruned, so a membership reads as it always did otherwise.
    return row.pruned_seq > 0
      ? { joinedSeq: row.joined_seq, prunedSeq: row.pruned_seq }
      : { joinedSeq: row.joined_seq };
  }

  members(conversationId: string): string[] {
    return this.selectMembers.all(conversationId).map((row) => row.device_id);
  }

  /** Revoked devices stay members until a commit removes them (DESIGN rule 5). */
  revokedMembers(conversationId: string): string[] {
    return this.selectRevokedMembers.all(conversationId).map((row) => row.device_id);
  }

  private participants(id: string): string[] {
    return this.selectParticipants.all(id).map((row) => row.address);
  }
}
