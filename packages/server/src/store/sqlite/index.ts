export { openSqliteStore, type SqliteStoreOptions } from "./open.js";
export { SqliteStore, type SqlitePragmas } from "./sqliteStore.js";
export type { GroupCommitStats } from "./groupCommit.js";
export type { AddDeviceResult } from "./directory.js";
