/**
 * What a hub node stands on, from its configuration: the Store (a SQLite file,
 * or PostgreSQL for many nodes) and the Bus (in-process for one node, NATS for
 * many). The only place that knows which adapters exist.
 */
import { tmpdir } from "node:os";
import Database from "better-sqlite3";
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import { createMemoryBus } from "./bus/memoryBus.js";
import { openNatsBus } from "./bus/natsBus.js";
import type { Bus } from "./bus/port.js";
import { isPostgresUrl, type ServerConfig } from "./config/serverConfig.js";
import { preparePrivateDatabase } from "./secrets/privateFiles.js";
import type { Store } from "./store/port.js";
import type { BlobStore } from "./media/blobStore.js";
import { openFsBlobStore } from "./media/fsBlobStore.js";
import { openPostgresBlobStore } from "./media/postgresBlobStore.js";
import { migratePostgres, openPostgresStore } from "./store/postgres/index.js";
import { openSqliteStore } from "./store/sqlite/index.js";
import { migrate as migrateSqlite } from "./store/sqlite/schema.js";

export interface Backends {
  store: Store;
  bus: Bus;
  /** Attachment ciphertext (SPEC MD1): next to the SQLite file, or in PostgreSQL with the Store. */
  blobs: BlobStore;
  /** For the start-up line and logs, with no password in it. */
  description: string;
}

export async function openBackends(config: ServerConfig, logger: Logger): Promise<Backends> {
  const store = await openStore(config.db);
  let bus: Bus;
  try {
    bus = config.nats
      ? await openNatsBus({
          servers: config.nats.split(","),
          name: `switchboard ${config.host}:${config.port}`,
          logger: logger.child({ part: "bus" }),
        })
      : createMemoryBus();
  } catch (err) {
    await store.close();
    throw err;
  }
  let blobs: BlobStore;
  try {
    blobs = await openBlobStore(config.db);
  } catch (err) {
    await bus.close();
    await store.close();
    throw err;
  }
  const busName = config.nats ? `nats ${config.nats}` : "in-process (one node)";
  return { store, bus, blobs, description: `db: ${redact(config.db)}; bus: ${busName}` };
}

async function openStore(db: string): Promise<Store> {
  if (isPostgresUrl(db)) return openPostgresStore({ url: db });
  // The database holds who talks to whom: only the hub's user may read it (0600, in a 0700 directory).
  if (db !== ":memory:") preparePrivateDatabase(db);
  return openSqliteStore({ path: db });
}

/**
 * Blobs live where the Store does: in PostgreSQL (the Store ran the
 * migrations), or in a "blobs" directory next to the SQLite file (a
 * temporary one for an in-memory database).
 */
async function openBlobStore(db: string): Promise<BlobStore> {
  if (isPostgresUrl(db)) return openPostgresBlobStore({ url: db, migrate: false, poolSize: 4 });
  const directory =
    db === ":memory:" ? join(tmpdir(), `switchboard-blobs-${process.pid}`) : join(dirname(db), "blobs");
  return openFsBlobStore(directory);
}

/** Bring the database's schema up to date without starting a hub (`switchboard migrate`). */
export async function migrateDatabase(db: string): Promise<{ from: number; to: number }> {
  if (isPostgresUrl(db)) return migratePostgres(db);
  if (db !== ":memory:") preparePrivateDatabase(db);
  const sqlite = new Database(db);
  try {
    const version = () => sqlite.pragma("user_version", { simple: true }) as number;
    const from = version();
    migrateSqlite(sqlite);
    return { from, to: version() };
  } finally {
    sqlite.close();
  }
}

/** "postgres://user:secret@host/db" -> "postgres://user:***@host/db". */
export function redact(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const url = new URL(db);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}
