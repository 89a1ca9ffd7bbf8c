export { openPostgresStore } from "./open.js";
export { PostgresStore, type PostgresSettings } from "./postgresStore.js";
export { migratePostgres, SCHEMA_VERSION, type MigrationResult } from "./schema.js";
export { StoreUnavailableError } from "./errors.js";
export { DEFAULT_POOL_SIZE, type PostgresStoreOptions } from "./pool.js";
export type { AppendQueueStats } from "../appendQueue.js";
export type { AddDeviceResult } from "./directory.js";
