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
  // 2: linking, revocation and history (issue 4). SQLite cannot change a
  // CHECK constraint in place, so log and inbox are rebuilt (the documented
  // 12-step procedure; nothing references either table, so foreign keys can
  // stay on). Columns added to devices and conversations get defaults that
  // describe existing rows: first devices, no pending proposals.
  `
  ALTER TABLE devices ADD COLUMN name TEXT NOT NULL DEFAULT '';
  ALTER TABLE devices ADD COLUMN approved_by TEXT;
  ALTER TABLE devices ADD COLUMN approval BLOB;
  ALTER TABLE devices ADD COLUMN approved_at INTEGER;

  -- The epoch of the conversation's latest hub proposal. While it equals
  -- epoch, application messages are refused (SPEC DS9); a commit moves epoch
  -- on and so lifts the refusal without touching this column. It lives on the
  -- conversation row because the append already updates that row: the check
  -- costs the hot path no extra query.
  ALTER TABLE conversations ADD COLUMN proposal_epoch INTEGER;

  CREATE TABLE log_next (
    conversation_id   TEXT NOT NULL REFERENCES conversations(id),
    seq               INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('application', 'commit', 'proposal')),
    sender_device_id  TEXT NOT NULL,
    sender_address    TEXT NOT NULL,
    client_message_id TEXT NOT NULL,
    payload           BLOB NOT NULL,
    epoch             INTEGER NOT NULL,
    server_time       INTEGER NOT NULL,
    membership        TEXT,
    PRIMARY KEY (conversation_id, seq)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO log_next SELECT conversation_id, seq, kind, sender_device_id, sender_address,
    client_message_id, payload, epoch, server_time, membership FROM log;
  DROP TABLE log;
  ALTER TABLE log_next RENAME TO log;
  CREATE UNIQUE INDEX log_idempotency ON log(conversation_id, sender_device_id, client_message_id);

  -- conversation_id is NULL for items outside any conversation (link,
  -- device_message), so the foreign key still holds for welcomes.
  CREATE TABLE inbox_next (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id        TEXT NOT NULL REFERENCES devices(id),
    kind             TEXT NOT NULL CHECK (kind IN ('welcome', 'link', 'device_message')),
    conversation_id  TEXT REFERENCES conversations(id),
    payload          BLOB NOT NULL,
    sender_address   TEXT NOT NULL,
    sender_device_id TEXT NOT NULL,
    server_time      INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    CHECK ((kind = 'welcome') = (conversation_id IS NOT NULL))
  ) STRICT;
  INSERT INTO inbox_next SELECT id, device_id, kind, conversation_id, payload, sender_address, '',
    server_time, seq FROM inbox;
  -- Carry the AUTOINCREMENT high-water mark over (the rename moves it with the
  -- table): ids of acked items must never be handed out again.
  DELETE FROM sqlite_sequence WHERE name = 'inbox_next';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'inbox_next', seq FROM sqlite_sequence WHERE name = 'inbox';
  DROP TABLE inbox;
  ALTER TABLE inbox_next RENAME TO inbox;
  CREATE INDEX inbox_by_device ON inbox(device_id, id);

  CREATE TABLE pending_links (
    code            TEXT PRIMARY KEY,
    device_id       TEXT NOT NULL,
    signature_key   BLOB NOT NULL,
    hpke_public_key BLOB NOT NULL,
    device_name     TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX pending_links_by_expiry ON pending_links(expires_at);

  -- The hub's removal proposals (it is the groups' MLS external sender), so a
  -- commit's proposal references can be resolved to the device they remove.
  CREATE TABLE hub_proposals (
    conversation_id   TEXT NOT NULL REFERENCES conversations(id),
    seq               INTEGER NOT NULL,
    epoch             INTEGER NOT NULL,
    ref               BLOB NOT NULL,
    removed_device_id TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX hub_proposals_by_epoch ON hub_proposals(conversation_id, epoch, seq);

  -- At most one row: the key every node of a cluster signs proposals with.
  CREATE TABLE hub_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public_key  BLOB NOT NULL,
    private_key BLOB NOT NULL
  ) STRICT;
  `,
  // 3: the log becomes a rowid table. WITHOUT ROWID keeps whole rows in the
  // primary-key B-tree, which SQLite advises only for rows far smaller than a
  // page; a log row carries a 300 B-2 KiB ciphertext, and every append split
  // and rewrote wide leaf pages. As a rowid table new rows go to the table's
  // end and (conversation_id, seq) is a narrow unique index: 20.6 -> 17.4 µs
  // of CPU per 334 B append, 41-52 -> 31-32 µs per 2 KiB one
  // (bench/storeAppend.ts --window=16). Copies the log once, at upgrade.
  `
  CREATE TABLE log_next (
    conversation_id   TEXT NOT NULL REFERENCES conversations(id),
    seq               INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('application', 'commit', 'proposal')),
    sender_device_id  TEXT NOT NULL,
    sender_address    TEXT NOT NULL,
    client_message_id TEXT NOT NULL,
    payload           BLOB NOT NULL,
    epoch             INTEGER NOT NULL,
    server_time       INTEGER NOT NULL,
    membership        TEXT,
    UNIQUE (conversation_id, seq)
  ) STRICT;
  INSERT INTO log_next SELECT conversation_id, seq, kind, sender_device_id, sender_address,
    client_message_id, payload, epoch, server_time, membership FROM log;
  DROP TABLE log;
  ALTER TABLE log_next RENAME TO log;
  CREATE UNIQUE INDEX log_idempotency ON log(conversation_id, sender_device_id, client_message_id);
  `,
  // 4: registration codes (SPEC DIR9): a salted hash per code, its expiry
  // and guesses; kept past use for the per-address hourly issue budget.
  `
  CREATE TABLE verification_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    address    TEXT NOT NULL,
    salt       BLOB NOT NULL,
    code_hash  BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    consumed   INTEGER NOT NULL DEFAULT 0 CHECK (consumed IN (0, 1))
  ) STRICT;
  CREATE INDEX verification_codes_by_address ON verification_codes(address, created_at);
  `,
  // 5: retention and quotas (issue 14, item 10). pruned_seq is the highest
  // seq the pruner deleted: entries from pruned_seq + 1 are stored, and a
  // device asking for older ones hears HISTORY_EXPIRED (seqs still come from
  // last_seq, never reused). queued_bytes counts a device's own application
  // messages still in the log, maintained by the append and the pruner so
  // the quota check costs the append no SUM; existing rows are counted once
  // here. The inbox index lets the pruner find expired items without a scan.
  `
  ALTER TABLE conversations ADD COLUMN pruned_seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE devices ADD COLUMN queued_bytes INTEGER NOT NULL DEFAULT 0;
  UPDATE devices SET queued_bytes = coalesce((SELECT sum(length(payload)) FROM log
    WHERE log.sender_device_id = devices.id AND log.kind = 'application'), 0);
  CREATE INDEX inbox_by_time ON inbox(server_time);
  `,
  // 6: one Welcome per commit (issue 14, SPEC ST28): a commit adding 1,000
  // devices copied its ~750 KB Welcome into 1,000 inbox rows. Now it is one
  // welcomes row, `refs` counts the inbox items naming it, and the last one
  // to go takes it along. Older welcome items keep their payload inline
  // (welcome_id NULL) and read as before; new ones store an empty payload.
  // The index serves the foreign-key check when a welcome is deleted.
  `
  CREATE TABLE welcomes (
    id      INTEGER PRIMARY KEY,
    payload BLOB NOT NULL,
    refs    INTEGER NOT NULL
  ) STRICT;
  ALTER TABLE inbox ADD COLUMN welcome_id INTEGER REFERENCES welcomes(id);
  CREATE INDEX inbox_by_welcome ON inbox(welcome_id) WHERE welcome_id IS NOT NULL;
  `,
  // 7: caps on membership (issue 14, SPEC DS16): conversations per account are
  // counted from participants by address; adds of an account by others are
  // kept for an hour to cap them per hour (each record forgets older ones).
  `
  CREATE INDEX participants_by_address ON participants(address);
  CREATE TABLE group_adds (
    address         TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    adder           TEXT NOT NULL,
    added_at        INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX group_adds_by_address ON group_adds(address, added_at);
  CREATE INDEX group_adds_by_time ON group_adds(added_at);
  `,
  // 8: signed revocations (issue 14, SPEC DIR14): who revoked a device, when it
  // signed, and the signature, carried in the hub's Remove proposals. NULL
  // for devices revoked before (their proposals carry no proof).
  `
  ALTER TABLE devices ADD COLUMN revoked_by TEXT;
  ALTER TABLE devices ADD COLUMN revocation BLOB;
  ALTER TABLE devices ADD COLUMN revocation_signed_at INTEGER;
  `,
  // 9: blocklists (issue 15, SPEC PP5): who each account has blocked.
  // Keyed by blocker, so "has X blocked Y" and X's list are one index each.
  `
  CREATE TABLE IF NOT EXISTS blocks (
    blocker    TEXT NOT NULL,
    blocked    TEXT NOT NULL,
    blocked_at INTEGER NOT NULL,
    PRIMARY KEY (blocker, blocked)
  ) STRICT, WITHOUT ROWID;
  `,
  // 10: disappearing messages (SPEC XP7): when a sender's application entry
  // expires, beside the log (the append path is left alone); the pruner
  // deletes entries past it (store/sqlite/entryExpiry.ts).
  `
  CREATE TABLE IF NOT EXISTS entry_expiry (
    conversation_id TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS entry_expiry_by_time ON entry_expiry(expires_at);
  `,
  // 11: retries are found by the idempotency keys in memory (SPEC ST65,
  // store/sqlite/idempotencyKeys.ts). This index took each append in a
  // random leaf (client ids are hashes): one more WAL page per message.
  `
  DROP INDEX IF EXISTS log_idempotency;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Bring the database up to SCHEMA_VERSION; refuse one written by a newer
 * build. `target` is for tests that build a database as an older release left it.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`store schema version ${current} is newer than this build knows (${SCHEMA_VERSION})`);
  }
  for (let version = current; version < Math.min(target, SCHEMA_VERSION); version++) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      // PRAGMA cannot take a bound parameter; version is our own integer.
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
