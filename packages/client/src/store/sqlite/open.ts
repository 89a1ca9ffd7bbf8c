/**
 * openSqliteLocalStore: the durable LocalStore for Node (the CLI, bots,
 * servers acting as clients). One file per device, owner-only, in WAL mode.
 */
import Database from "better-sqlite3";
import type { LocalStore } from "../port.js";
import type { ReceiptStore } from "../receiptsPort.js";
import type { MessageExpiryStore } from "../expiryPort.js";
import type { MessageSearchStore } from "../searchPort.js";
import { prepareOwnerOnlyFile } from "./file.js";
import { migrate } from "./migrations.js";
import { createSqliteStore } from "./store.js";

function configure(db: Database.Database): void {
  db.pragma("journal_mode = WAL");
  // FULL syncs the WAL on every commit: a write that resolved survives power
  // loss (LS6), which the SDK relies on before it acknowledges anything.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  // Deleted rows (used key packages' private halves, deleted and expired
  // messages' text: SPEC XP6) are overwritten with zeros rather than left in
  // free pages (DESIGN: used secrets are zeroed).
  db.pragma("secure_delete = ON");
}

/**
 * Open (creating if missing, with its parent directories) the store at
 * `path`, and bring its schema up to date. ":memory:" opens a throwaway one.
 */
export function openSqliteLocalStore(
  path: string,
): LocalStore & ReceiptStore & MessageSearchStore & MessageExpiryStore {
  if (path !== ":memory:") prepareOwnerOnlyFile(path);
  const db = new Database(path);
  try {
    configure(db);
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return createSqliteStore(db);
}
