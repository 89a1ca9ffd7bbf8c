/**
 * Every SQL statement the adapter runs, prepared once per connection.
 * Named parameters mirror the record fields; booleans travel as 0/1.
 * Conversations are upserted in place (ON CONFLICT DO UPDATE) rather than
 * with INSERT OR REPLACE, which deletes and re-inserts the row: harmless
 * today, but the day a foreign key gains ON DELETE CASCADE it would take the
 * conversation's messages with it (LS3 keeps them).
 */
import type Database from "better-sqlite3";
import type {
  ConversationRow,
  IdentityRow,
  KeyPackageRow,
  MessageRow,
  OutboxRow,
  ReactionRow,
} from "./rows.js";
import { prepareGroupStateStatements } from "./groupStateRows.js";

type Params<Row> = { [K in keyof Row]: Row[K] };

export function prepareStatements(db: Database.Database) {
  return {
    groupState: prepareGroupStateStatements(db),
    getIdentity: db.prepare<[], IdentityRow>("SELECT * FROM identity WHERE singleton = 1"),
    putIdentity: db.prepare<Params<IdentityRow>>(
      `INSERT OR REPLACE INTO identity
         (singleton, address, device_id, display_name, signature_public_key, signature_private_key, server, created_at)
       VALUES (1, @address, @device_id, @display_name, @signature_public_key, @signature_private_key, @server, @created_at)`,
    ),

    getKeyPackage: db.prepare<[string], KeyPackageRow>("SELECT * FROM key_packages WHERE ref = ?"),
    countKeyPackages: db.prepare<[], { last_resort: number; count: number }>(
      "SELECT last_resort, count(*) AS count FROM key_packages GROUP BY last_resort",
    ),
    putKeyPackage: db.prepare<Params<KeyPackageRow>>(
      `INSERT OR REPLACE INTO key_packages (ref, public_message, private_state, last_resort, created_at)
       VALUES (@ref, @public_message, @private_state, @last_resort, @created_at)`,
    ),
    deleteKeyPackage: db.prepare<[string]>("DELETE FROM key_packages WHERE ref = ?"),
    listKeyPackages: db.prepare<[], { ref: string; last_resort: number; created_at: number }>(
      "SELECT ref, last_resort, created_at FROM key_packages ORDER BY created_at, ref",
    ),

    getConversation: db.prepare<[string], ConversationRow>("SELECT * FROM conversations WHERE id = ?"),
    hasConversation: db.prepare<[string], { found: number }>(
      "SELECT 1 AS found FROM conversations WHERE id = ?",
    ),
    listConversations: db.prepare<[], ConversationRow>(
      "SELECT * FROM conversations ORDER BY updated_at DESC, id",
    ),
    putConversation: db.prepare<Params<ConversationRow>>(
      `INSERT INTO conversations
         (id, kind, title, peer, participants, group_state, state_version, epoch, applied_seq, active, created_at, updated_at)
       VALUES (@id, @kind, @title, @peer, @participants, @group_state, @state_version, @epoch, @applied_seq, @active,
         @created_at, @updated_at)
       ON CONFLICT (id) DO UPDATE SET
         kind = excluded.kind, title = excluded.title, peer = excluded.peer,
         participants = excluded.participants, group_state = excluded.group_state,
         state_version = excluded.state_version,
         epoch = excluded.epoch, applied_seq = excluded.applied_seq, active = excluded.active,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
    ),

    hasMessage: db.prepare<[string, string], { found: number }>(
      "SELECT 1 AS found FROM messages WHERE conversation_id = ? AND id = ?",
    ),
    // LS4: ascending seq, unsent (NULL) last by sent_at then id; limit -1 is "no limit".
    listMessages: db.prepare<
      { conversation_id: string; after_seq: number | null; limit: number },
      MessageRow
    >(
      `SELECT * FROM messages
       WHERE conversation_id = @conversation_id
         AND (@after_seq IS NULL OR seq IS NULL OR seq > @after_seq)
       ORDER BY seq IS NULL, seq, sent_at, id
       LIMIT @limit`,
    ),
    // WB1: exactly LS4 reversed; before_seq keeps sent messages below it (the next page up).
    listRecentMessages: db.prepare<
      { conversation_id: string; before_seq: number | null; limit: number },
      MessageRow
    >(
      `SELECT * FROM messages
       WHERE conversation_id = @conversation_id
         AND (@before_seq IS NULL OR (seq IS NOT NULL AND seq < @before_seq))
       ORDER BY seq IS NULL DESC, seq DESC, sent_at DESC, id DESC
       LIMIT @limit`,
    ),
    putMessage: db.prepare<Params<MessageRow>>(
      `INSERT OR REPLACE INTO messages
         (conversation_id, id, seq, sender_address, sender_device_id, text, sent_at, server_time, outgoing,
          reply_to, edit_count, edited_at, deleted, expires_at)
       VALUES (@conversation_id, @id, @seq, @sender_address, @sender_device_id, @text, @sent_at, @server_time,
          @outgoing, @reply_to, @edit_count, @edited_at, @deleted, @expires_at)`,
    ),
    getMessage: db.prepare<[string, string], MessageRow>(
      "SELECT * FROM messages WHERE conversation_id = ? AND id = ?",
    ),
    deleteMessage: db.prepare<[string, string]>("DELETE FROM messages WHERE conversation_id = ? AND id = ?"),

    listReactions: db.prepare<[string, string], ReactionRow>(
      `SELECT * FROM reactions WHERE conversation_id = ? AND message_id = ? ORDER BY at, sender_address`,
    ),
    putReaction: db.prepare<Params<ReactionRow>>(
      `INSERT OR REPLACE INTO reactions (conversation_id, message_id, sender_address, emoji, reaction_id, at)
       VALUES (@conversation_id, @message_id, @sender_address, @emoji, @reaction_id, @at)`,
    ),
    deleteReaction: db.prepare<[string, string, string]>(
      "DELETE FROM reactions WHERE conversation_id = ? AND message_id = ? AND sender_address = ?",
    ),
    deleteReactionsOf: db.prepare<[string, string]>(
      "DELETE FROM reactions WHERE conversation_id = ? AND message_id = ?",
    ),

    listOutbox: db.prepare<[], OutboxRow>("SELECT * FROM outbox ORDER BY created_at, client_message_id"),
    putOutbox: db.prepare<Params<OutboxRow>>(
      `INSERT OR REPLACE INTO outbox (client_message_id, conversation_id, payload, epoch, created_at, plaintext)
       VALUES (@client_message_id, @conversation_id, @payload, @epoch, @created_at, @plaintext)`,
    ),
    deleteOutbox: db.prepare<[string]>("DELETE FROM outbox WHERE client_message_id = ?"),

    // Search and expiry (SPEC XP5, XP8): the FTS5 row of a message is keyed by its rowid.
    messageRowid: db.prepare<[string, string], { rowid: number }>(
      "SELECT rowid FROM messages WHERE conversation_id = ? AND id = ?",
    ),
    indexText: db.prepare<[number | bigint, string]>("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)"),
    unindexText: db.prepare<[number]>("DELETE FROM messages_fts WHERE rowid = ?"),
    searchMessages: db.prepare<[string, number], MessageRow>(
      `SELECT m.* FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
       WHERE messages_fts MATCH ?
       ORDER BY coalesce(m.server_time, m.sent_at) DESC, m.conversation_id, m.id
       LIMIT ?`,
    ),
    listExpired: db.prepare<[number, number], MessageRow>(
      `SELECT * FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ?
       ORDER BY expires_at, conversation_id, id LIMIT ?`,
    ),
    nextExpiry: db.prepare<[], { next: number | null }>(
      "SELECT min(expires_at) AS next FROM messages WHERE expires_at IS NOT NULL",
    ),

    getMeta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
    setMeta: db.prepare<[string, string]>("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
