import type Database from "better-sqlite3";

/**
 * The schema, as an append-only list of migrations. `PRAGMA user_version`
 * records how many have run; a migration and its version bump commit in one
 * transaction, so a crash mid-migration leaves the old schema intact.
 * Never edit a shipped migration: add a new one.
 */
const MIGRATIONS: readonly string[] = [
  // 1: the first schema.
  `
  CREATE TABLE accounts (
    address      TEXT PRIMARY KEY,
    app          TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_at   INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE devices (
    id            TEXT PRIMARY KEY,
    address       TEXT NOT NULL REFERENCES accounts(address),
    signature_key BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    revoked_at    INTEGER
  ) STRICT;
  CREATE INDEX devices_by_address ON devices(address, created_at);

  -- id orders one-time packages first in, first out.
  CREATE TABLE key_packages (
    id          INTEGER PRIMARY KEY,
    device_id   TEXT NOT NULL REFERENCES devices(id),
    last_resort INTEGER NOT NULL CHECK (last_resort IN (0, 1)),
    data        BLOB NOT NULL
  ) STRICT;
  CREATE INDEX key_packages_by_device ON key_packages(device_id, last_resort, id);
  CREATE UNIQUE INDEX key_packages_one_last_resort ON key_packages(device_id) WHERE last_resort = 1;

  -- direct_pair is the two addresses sorted and joined, so the UNIQUE
  -- constraint holds the "one direct conversation per pair" rule in either order.
  CREATE TABLE conversations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
    epoch       INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    group_info  BLOB NOT NULL,
    direct_pair TEXT UNIQUE
  ) STRICT;

  CREATE TABLE participants (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    address         TEXT NOT NULL REFERENCES accounts(address),
    PRIMARY KEY (conversation_id, address)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE members (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    device_id       TEXT NOT NULL REFERENCES devices(id),
    joined_seq      INTEGER NOT NULL,
    cursor          INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, device_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX members_by_device ON members(device_id);

  -- One row per conversation entry, not per recipient device (DESIGN: Log).
  CREATE TABLE log (
    conversation_id   TEXT NOT NULL REFERENCES conversations(id),
    seq               INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('application', 'commit')),
    sender_device_id  TEXT NOT NULL,
    sender_address    TEXT NOT NULL,
    client_message_id TEXT NOT NULL,
    payload           BLOB NOT NULL,
    epoch             INTEGER NOT NULL,
    server_time       INTEGER NOT NULL,
    membership        TEXT,
    PRIMARY KEY (conversation_id, seq)
  ) STRICT, WITHOUT ROWID;
  -- DESIGN rule 3: applications and commits share one idempotency key space.
  CREATE UNIQUE INDEX log_idempotency ON log(conversation_id, sender_device_id, client_message_id);

  -- AUTOINCREMENT: ids are never reused after an ack deletes the newest item,
  -- so a device that read "up to id N" can never miss a later item numbered N.
  CREATE TABLE inbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id       TEXT NOT NULL REFERENCES devices(id),
    kind            TEXT NOT NULL CHECK (kind IN ('welcome')),
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    payload         BLOB NOT NULL,
    sender_address  TEXT NOT NULL,
    server_time     INTEGER NOT NULL,
    seq             INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX inbox_by_device ON inbox(device_id, id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Bring the database up to SCHEMA_VERSION; refuse one written by a newer build. */
export function migrate(db: Database.Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`store schema version ${current} is newer than this build knows (${SCHEMA_VERSION})`);
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      // PRAGMA cannot take a bound parameter; version is our own integer.
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
