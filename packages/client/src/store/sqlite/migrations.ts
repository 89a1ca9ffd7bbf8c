/**
 * The schema, as versioned migrations: migration i takes the database from
 * PRAGMA user_version i to i + 1. Append only; never edit a shipped one.
 *
 * Tables are not STRICT on purpose: numbers then round-trip exactly as the
 * memory adapter keeps them, so the two cannot disagree on what they accept.
 */
import type Database from "better-sqlite3";
import { LocalStoreError } from "../errors.js";

const MIGRATIONS: readonly string[] = [
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
