import Database from "better-sqlite3";
import { migrate } from "./schema.js";
import { SqliteStore } from "./sqliteStore.js";
import { WalCheckpointer } from "./walCheckpointer.js";
import { WalSync, type WalFileIo } from "./walSync.js";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a throwaway store (tests). */
  path: string;
  /** The WAL's fsync calls (SPEC ST60); node:fs unless a test holds them back. */
  walIo?: WalFileIo;
}

/** How long a write waits for another process's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** Open (creating and migrating as needed) a SQLite-backed Store. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const db = new Database(options.path, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL: readers never block the writer, and a commit is one sequential append.
    db.pragma("journal_mode = WAL");
    // An acknowledged message must survive power loss (DESIGN rule 2): every
    // commit's WAL frames are fsynced before anyone hears of it. NORMAL leaves
    // that fsync out of COMMIT, which runs on the event loop, and WalSync does
    // it on the thread pool instead (SPEC ST60); group commit keeps it to one
    // fsync per batch. ":memory:" has nothing to sync.
    db.pragma(`synchronous = ${db.memory ? "FULL" : "NORMAL"}`);
    db.pragma("foreign_keys = ON");
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(db);
    // A file database checkpoints off the event loop; ":memory:" has no WAL.
    const checkpointer = db.memory
      ? undefined
      : new WalCheckpointer(db, {
          busyTimeoutMs: BUSY_TIMEOUT_MS,
          onError: (error) => process.emitWarning(error, "SqliteCheckpointWarning"),
        });
    return new SqliteStore(db, checkpointer, db.memory ? undefined : new WalSync(db.name, options.walIo));
  } catch (error) {
    db.close();
    throw error;
  }
}
