import pg from "pg";
import { toStoreError } from "./errors.js";
import { checkSchemaName, clientConfig, type PostgresStoreOptions } from "./pool.js";

/**
 * The schema, as an append-only list of migrations; `schema_migrations`
 * records the versions applied. Each migration and its version row commit in
 * one transaction (PostgreSQL DDL is transactional), so a crash mid-migration
 * leaves the previous version intact. Never edit a shipped migration: add a
 * new one.
 *
 * Text keys use the "C" collation: ORDER BY and lock order are then byte
 * order on every server, whatever locale the database was created with.
 */
const MIGRATIONS: readonly string[] = [
  // 1: the schema of SQLite version 2 (issue 4: linking, revocation, history).
  `
  CREATE TABLE accounts (
    address      text COLLATE "C" PRIMARY KEY,
    app          text NOT NULL,
    display_name text NOT NULL,
    created_at   bigint NOT NULL
  );

  CREATE TABLE devices (
    id            text COLLATE "C" PRIMARY KEY,
    address       text COLLATE "C" NOT NULL REFERENCES accounts(address),
    signature_key bytea NOT NULL,
    created_at    bigint NOT NULL,
    last_seen_at  bigint NOT NULL,
    revoked_at    bigint,
    name          text NOT NULL DEFAULT '',
    approved_by   text COLLATE "C",
    approval      bytea,
    approved_at   bigint
  );
  CREATE INDEX devices_by_address ON devices(address, created_at, id);

  -- id orders one-time packages first in, first out.
  CREATE TABLE key_packages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id   text COLLATE "C" NOT NULL REFERENCES devices(id),
    last_resort boolean NOT NULL,
    data        bytea NOT NULL
  );
  CREATE INDEX key_packages_by_device ON key_packages(device_id, last_resort, id);
  CREATE UNIQUE INDEX key_packages_one_last_resort ON key_packages(device_id) WHERE last_resort;

  -- direct_pair is the two addresses sorted and joined, so the UNIQUE
  -- constraint holds the "one direct conversation per pair" rule in either
  -- order. proposal_epoch is the epoch of the latest hub proposal: while it
  -- equals epoch, application messages are refused (SPEC DS9). last_seq is
  -- the log's head; every writer of the log locks this row first, which is
  -- what keeps seqs gap-free and unique across nodes (SPEC DS4).
  CREATE TABLE conversations (
    id             text COLLATE "C" PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('direct', 'group')),
    epoch          bigint NOT NULL,
    last_seq       bigint NOT NULL,
    created_at     bigint NOT NULL,
    group_info     bytea NOT NULL,
    direct_pair    text COLLATE "C" UNIQUE,
    proposal_epoch bigint
  );

  CREATE TABLE participants (
    conversation_id text COLLATE "C" NOT NULL REFERENCES conversations(id),
    address         text COLLATE "C" NOT NULL REFERENCES accounts(address),
    PRIMARY KEY (conversation_id, address)
  );

  CREATE TABLE members (
    conversation_id text COLLATE "C" NOT NULL REFERENCES conversations(id),
    device_id       text COLLATE "C" NOT NULL REFERENCES devices(id),
    joined_seq      bigint NOT NULL,
    cursor          bigint NOT NULL,
    PRIMARY KEY (conversation_id, device_id)
  );
  CREATE INDEX members_by_device ON members(device_id);

  -- One row per conversation entry, not per recipient device.
  CREATE TABLE log (
    conversation_id   text COLLATE "C" NOT NULL REFERENCES conversations(id),
    seq               bigint NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('application', 'commit', 'proposal')),
    sender_device_id  text COLLATE "C" NOT NULL,
    sender_address    text NOT NULL,
    client_message_id text COLLATE "C" NOT NULL,
    payload           bytea NOT NULL,
    epoch             bigint NOT NULL,
    server_time       bigint NOT NULL,
    membership        jsonb,
    PRIMARY KEY (conversation_id, seq)
  );
  -- SPEC DS3: applications and commits share one idempotency key space.
  CREATE UNIQUE INDEX log_idempotency ON log(conversation_id, sender_device_id, client_message_id);
  -- MLS ciphertext does not compress: store large payloads out of line without trying.
  ALTER TABLE log ALTER COLUMN payload SET STORAGE EXTERNAL;

  -- An identity never hands an id out twice, so a device that read "up to
  -- id N" never misses a later item numbered N. Writers lock the device row
  -- before taking an id, so one device's ids also commit in increasing order.
  -- conversation_id is NULL for items outside any conversation (link,
  -- device_message), so the foreign key still holds for welcomes.
  CREATE TABLE inbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id        text COLLATE "C" NOT NULL REFERENCES devices(id),
    kind             text NOT NULL CHECK (kind IN ('welcome', 'link', 'device_message')),
    conversation_id  text COLLATE "C" REFERENCES conversations(id),
    payload          bytea NOT NULL,
    sender_address   text NOT NULL,
    sender_device_id text NOT NULL,
    server_time      bigint NOT NULL,
    seq              bigint NOT NULL,
    CHECK ((kind = 'welcome') = (conversation_id IS NOT NULL))
  );
  CREATE INDEX inbox_by_device ON inbox(device_id, id);

  CREATE TABLE pending_links (
    code            text COLLATE "C" PRIMARY KEY,
    device_id       text NOT NULL,
    signature_key   bytea NOT NULL,
    hpke_public_key bytea NOT NULL,
    device_name     text NOT NULL,
    created_at      bigint NOT NULL,
    expires_at      bigint NOT NULL
  );
  CREATE INDEX pending_links_by_expiry ON pending_links(expires_at);

  -- The hub's removal proposals (it is the groups' MLS external sender), so a
  -- commit's proposal references can be resolved to the device they remove.
  CREATE TABLE hub_proposals (
    conversation_id   text COLLATE "C" NOT NULL REFERENCES conversations(id),
    seq               bigint NOT NULL,
    epoch             bigint NOT NULL,
    ref               bytea NOT NULL,
    removed_device_id text NOT NULL,
    PRIMARY KEY (conversation_id, seq)
  );
  CREATE INDEX hub_proposals_by_epoch ON hub_proposals(conversation_id, epoch, seq);

  -- At most one row: the key every node of a cluster signs proposals with.
  CREATE TABLE hub_key (
    id          integer PRIMARY KEY CHECK (id = 1),
    public_key  bytea NOT NULL,
    private_key bytea NOT NULL
  );
  `,
  // 2: registration codes (SPEC DIR9): a salted hash per code, its expiry
  // and guesses; kept past use for the per-address hourly issue budget.
  `
  CREATE TABLE verification_codes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address    text COLLATE "C" NOT NULL,
    salt       bytea NOT NULL,
    code_hash  bytea NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    consumed   boolean NOT NULL DEFAULT false
  );
  CREATE INDEX verification_codes_by_address ON verification_codes(address, created_at);
  `,
  // 3: retention and quotas (issue 14, item 10); as SQLite migration 5.
  // pruned_seq is the highest seq the pruner deleted (entries from
  // pruned_seq + 1 are stored; seqs still come from last_seq, never reused).
  // queued_bytes counts a device's own application messages still in the
  // log, kept by the append and the pruner, so the quota costs no SUM.
  `
  ALTER TABLE conversations ADD COLUMN pruned_seq bigint NOT NULL DEFAULT 0;
  ALTER TABLE devices ADD COLUMN queued_bytes bigint NOT NULL DEFAULT 0;
  UPDATE devices d SET queued_bytes = s.bytes
    FROM (SELECT sender_device_id, sum(octet_length(payload)) AS bytes FROM log
          WHERE kind = 'application' GROUP BY sender_device_id) s
    WHERE d.id = s.sender_device_id;
  CREATE INDEX inbox_by_time ON inbox(server_time);
  `,
  // 4: one Welcome per commit (issue 14, SPEC ST28): a commit adding 1,000
  // devices copied its ~750 KB Welcome into 1,000 inbox rows. Now it is one
  // welcomes row, `refs` counts the inbox items naming it, and the last one
  // to go takes it along (the UPDATE's row lock orders concurrent acks). Older
  // welcome items keep their payload inline (welcome_id NULL) and read as
  // before; new ones store an empty payload. The index serves the
  // foreign-key check when a welcome is deleted.
  `
  CREATE TABLE welcomes (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload bytea NOT NULL,
    refs    integer NOT NULL
  );
  ALTER TABLE welcomes ALTER COLUMN payload SET STORAGE EXTERNAL;
  ALTER TABLE inbox ADD COLUMN welcome_id bigint REFERENCES welcomes(id);
  CREATE INDEX inbox_by_welcome ON inbox(welcome_id) WHERE welcome_id IS NOT NULL;
  `,
  // 5: caps on membership (issue 14, SPEC DS16): conversations per account are
  // counted from participants by address; adds of an account by others are
  // kept for an hour to cap them per hour (each record forgets older ones).
  `
  CREATE INDEX participants_by_address ON participants(address);
  CREATE TABLE group_adds (
    address         text COLLATE "C" NOT NULL,
    conversation_id text COLLATE "C" NOT NULL,
    adder           text COLLATE "C" NOT NULL,
    added_at        bigint NOT NULL
  );
  CREATE INDEX group_adds_by_address ON group_adds(address, added_at);
  CREATE INDEX group_adds_by_time ON group_adds(added_at);
  `,
  // 6: signed revocations (issue 14, SPEC DIR14): who revoked a device, when it
  // signed, and the signature, carried in the hub's Remove proposals. NULL
  // for devices revoked before (their proposals carry no proof).
  `
  ALTER TABLE devices ADD COLUMN revoked_by text;
  ALTER TABLE devices ADD COLUMN revocation bytea;
  ALTER TABLE devices ADD COLUMN revocation_signed_at bigint;
  `,
  // 7: attachment ciphertext (SPEC MD1): the PostgreSQL BlobStore
  // (media/postgresBlobStore.ts). A blob is its record plus chunk rows keyed
  // by byte offset, so uploads and downloads stream a chunk at a time.
  // Ciphertext does not compress: EXTERNAL keeps it out of TOAST compression.
  `
  CREATE TABLE blobs (
    id         text COLLATE "C" PRIMARY KEY,
    owner      text COLLATE "C" NOT NULL,
    size       bigint NOT NULL,
    received   bigint NOT NULL DEFAULT 0,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    sent_at    bigint
  );
  CREATE INDEX blobs_by_owner ON blobs(owner);
  CREATE INDEX blobs_by_expiry ON blobs(expires_at);
  CREATE INDEX blobs_unsent ON blobs(created_at) WHERE sent_at IS NULL;

  CREATE TABLE blob_chunks (
    blob_id text COLLATE "C" NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
    start   bigint NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (blob_id, start)
  );
  ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
  `,
  // 8: blocklists (issue 15, SPEC PP5); as the SQLite migration of the same name.
  `
  CREATE TABLE IF NOT EXISTS blocks (
    blocker    text COLLATE "C" NOT NULL,
    blocked    text COLLATE "C" NOT NULL,
    blocked_at bigint NOT NULL,
    PRIMARY KEY (blocker, blocked)
  );
  `,
  // 9: disappearing messages (SPEC XP7); as SQLite migration 10: when a
  // sender's application entry expires, beside the log; the pruner deletes
  // entries past it (store/postgres/entryExpiry.ts).
  `
  CREATE TABLE IF NOT EXISTS entry_expiry (
    conversation_id text COLLATE "C" NOT NULL,
    seq             bigint NOT NULL,
    expires_at      bigint NOT NULL,
    PRIMARY KEY (conversation_id, seq)
  );
  CREATE INDEX IF NOT EXISTS entry_expiry_by_time ON entry_expiry(expires_at);
  `,
  // 10: the log's foreign key to conversations goes. Every writer of a
  // conversation's log locks its row first (FOR UPDATE, see the comment on
  // conversations) and conversations are never deleted, so the row is there;
  // the key's trigger locked it again for each entry (FOR KEY SHARE),
  // measured at 10 µs an entry, a sixth of a batched append's time in the
  // database.
  `
  ALTER TABLE log DROP CONSTRAINT IF EXISTS log_conversation_id_fkey;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The advisory lock's first key: "SB" for Switchboard; the second is the schema's hash. */
const LOCK_CLASS = 0x5342;

export interface MigrationResult {
  /** The version found, 0 for an empty schema. */
  from: number;
  /** The version now. */
  to: number;
}

/**
 * Bring the store's schema up to SCHEMA_VERSION; refuse one written by a
 * newer build. Safe when several nodes start at once: a session advisory
 * lock (released by the server if this process dies) lets one migrate while
 * the others wait, then find nothing left to do. `target` is for tests that
 * build a schema as an older release left it.
 */
export async function migrate(
  options: Omit<PostgresStoreOptions, "migrate">,
  target = SCHEMA_VERSION,
): Promise<MigrationResult> {
  checkSchemaName(options.schema);
  // Its own connection, outside the pool, with no statement timeout: waiting
  // for another node's migration, or DDL on a large table, may take a while.
  const client = new pg.Client(clientConfig(options, 0));
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_CLASS, options.schema ?? ""]);
    // Held until the session ends, which the finally below makes happen.
    return await migrateLocked(client, options.schema, target);
  } catch (error) {
    throw toStoreError(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function migrateLocked(
  client: pg.Client,
  schema: string | undefined,
  target: number,
): Promise<MigrationResult> {
  // The name was checked against a strict pattern; quoted all the same.
  if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const found = await client.query<{ version: number }>(
    "SELECT coalesce(max(version), 0) AS version FROM schema_migrations",
  );
  const from = found.rows[0]?.version ?? 0;
  if (from > SCHEMA_VERSION) {
    throw new Error(`store schema version ${from} is newer than this build knows (${SCHEMA_VERSION})`);
  }
  let version = from;
  for (; version < Math.min(target, SCHEMA_VERSION); version++) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) break;
    await client.query("BEGIN");
    try {
      await client.query(sql);
      await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [version + 1]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  }
  return { from, to: version };
}

/**
 * Run the migrations alone (`switchboard migrate`), then disconnect. Nodes
 * also migrate when they open the store; running this first lets an operator
 * upgrade the schema once, before rolling the nodes.
 */
export function migratePostgres(url: string, options: { schema?: string } = {}): Promise<MigrationResult> {
  return migrate({ url, ...options });
}
