/**
 * The schema, as versioned migrations: migration i takes the database from
 * PRAGMA user_version i to i + 1. Append only; never edit a shipped one.
 *
 * Tables are not STRICT on purpose: numbers then round-trip exactly as the
 * memory adapter keeps them, so the two cannot disagree on what they accept.
 */
import type Database from "better-sqlite3";
import { LocalStoreError } from "../errors.js";

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE identity (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    address TEXT NOT NULL,
    device_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    signature_public_key BLOB NOT NULL,
    signature_private_key BLOB NOT NULL,
    server TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE key_packages (
    ref TEXT PRIMARY KEY,
    public_message BLOB NOT NULL,
    private_state BLOB NOT NULL,
    last_resort INTEGER NOT NULL CHECK (last_resort IN (0, 1)),
    created_at INTEGER NOT NULL
  );
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
    title TEXT NOT NULL,
    peer TEXT,
    participants TEXT NOT NULL, -- JSON array of addresses
    group_state BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    applied_seq INTEGER NOT NULL,
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    id TEXT NOT NULL,
    seq INTEGER, -- NULL while in the outbox
    sender_address TEXT NOT NULL,
    sender_device_id TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    server_time INTEGER,
    outgoing INTEGER NOT NULL CHECK (outgoing IN (0, 1)),
    PRIMARY KEY (conversation_id, id)
  );
  CREATE INDEX messages_in_log_order ON messages (conversation_id, seq);
  CREATE TABLE outbox (
    client_message_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    payload BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX outbox_in_order ON outbox (created_at, client_message_id);
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: MIMI content (SPEC CT3-CT13): replies, edits, deletes, expiry, reactions,
  // and the plaintext an outbox item encrypts (to encrypt it again under the same id).
  `
  ALTER TABLE messages ADD COLUMN reply_to TEXT;
  ALTER TABLE messages ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN edited_at INTEGER;
  ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1));
  ALTER TABLE messages ADD COLUMN expires_at INTEGER;
  ALTER TABLE outbox ADD COLUMN plaintext BLOB;
  CREATE TABLE reactions (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    message_id TEXT NOT NULL,
    sender_address TEXT NOT NULL,
    emoji TEXT NOT NULL,
    reaction_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, message_id, sender_address)
  );
  `,
  // 3: receipts (SPEC RS5, RC1-RC3): per message and account, 1 delivered / 2 read, only ever raised.
  `
  CREATE TABLE IF NOT EXISTS receipts (
    conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    address TEXT NOT NULL,
    status INTEGER NOT NULL CHECK (status IN (1, 2)),
    at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, message_id, address)
  );
  `,
  // 4: search and disappearing messages (SPEC XP5, XP8). A contentless FTS5
  // index (it keeps tokens, not a second copy of the text) keyed by the
  // messages' rowid, kept by writes.ts; contentless_delete lets a row be
  // deleted, and its 'secure-delete' option removes the tokens from the
  // index at once instead of marking them. messages is never VACUUMed (that
  // renumbers rowids). The partial index finds expired messages.
  `
  CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
    text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
  INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages WHERE deleted = 0 AND text <> '';
  CREATE INDEX IF NOT EXISTS messages_by_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;
  `,
  // 5: group states as parts (SPEC ST40-ST44), so a message writes one secret-tree
  // row instead of the whole state. A stored state becomes one 'v1' part (the
  // whole blob, decoded as before); its next save replaces it with the parts.
  // group_state stays (columns are not dropped) but holds nothing any more.
  `
  CREATE TABLE IF NOT EXISTS group_state_parts (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (conversation_id, key)
  );
  ALTER TABLE conversations ADD COLUMN state_version TEXT NOT NULL DEFAULT '';
  INSERT INTO group_state_parts (conversation_id, key, value) SELECT id, 'v1', group_state FROM conversations;
  UPDATE conversations SET state_version = 'v1:' || id, group_state = X'';
  `,
];

/** The user_version a fully migrated database has. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function userVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/** Bring the database up to SCHEMA_VERSION; refuse one written by a newer SDK. */
export function migrate(db: Database.Database): void {
  for (;;) {
    // IMMEDIATE takes the write lock before reading the version, so two
    // processes opening the same file cannot both run one migration.
    const done = db
      .transaction(() => {
        const version = userVersion(db);
        if (version > SCHEMA_VERSION) {
          throw new LocalStoreError(
            "UNSUPPORTED_SCHEMA",
            `database schema ${version} is newer than this SDK's ${SCHEMA_VERSION}`,
          );
        }
        const migration = MIGRATIONS[version];
        if (migration === undefined) return true;
        db.exec(migration);
        db.pragma(`user_version = ${version + 1}`);
        return false;
      })
      .immediate();
    if (done) return;
  }
}
