import pg from "pg";

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database */
  url: string;
  /**
   * The schema the store's tables live in, created by the migrations.
   * Unset: the server's search_path (usually "public"). Lower-case letters,
   * digits and "_" only, so it can be set at connection start without quoting.
   */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity, so operators can tell the hub's connections apart (default "switchboard"). */
  applicationName?: string;
  /** The server cancels a statement running longer (default 15 s). */
  statementTimeoutMs?: number;
  /** Waiting for a connection, from the pool or a new one, fails after this long (default 5 s). */
  connectTimeoutMs?: number;
  /** Run pending migrations when opening (default true); `migratePostgres` runs them alone. */
  migrate?: boolean;
}

export const DEFAULT_POOL_SIZE = 10;
const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** A session left idle inside a transaction (a hung node) stops holding its locks after this long. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
/** The client gives up on an answer a little after the server would have cancelled the statement. */
const QUERY_TIMEOUT_MARGIN_MS = 5_000;
/** How long a starting node waits for another node's migration (or a table lock) before giving up. */
const MIGRATION_LOCK_TIMEOUT_MS = 5 * 60_000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** int8 (bigint): times in ms, seqs, epochs and ids, all well inside Number's safe range. */
const INT8_OID = 20;
const parseInt8 = (text: string): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is outside the safe integer range`);
  return value;
};

/** Our own type table, so the process-wide pg.types stays as other code expects it. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): unknown =>
    oid === INT8_OID && format !== "binary"
      ? parseInt8
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

export function checkSchemaName(schema: string | undefined): void {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema name ${JSON.stringify(schema)} must match ${SCHEMA_NAME.source}`);
  }
}

/**
 * Connection settings shared by the pool and the migration client.
 * synchronous_commit=on is set explicitly: a server configured with "off"
 * would acknowledge commits before they are on disk (SPEC DS2).
 */
export function clientConfig(options: PostgresStoreOptions, statementTimeoutMs?: number): pg.ClientConfig {
  checkSchemaName(options.schema);
  const statementTimeout = statementTimeoutMs ?? options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const settings = ["-c synchronous_commit=on"];
  if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
  return {
    connectionString: options.url,
    application_name: options.applicationName ?? "switchboard",
    options: settings.join(" "),
    statement_timeout: statementTimeout,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    // 0 (the migration session): DDL may run long, but waiting for a lock
    // (another node's migration, a long query on a table being altered) is
    // still bounded.
    ...(statementTimeout > 0
      ? { query_timeout: statementTimeout + QUERY_TIMEOUT_MARGIN_MS }
      : { lock_timeout: MIGRATION_LOCK_TIMEOUT_MS }),
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Notices a server that vanished without closing the socket (a pulled cable, a dead VM).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types,
  };
}

/**
 * The pool recovers by itself: a connection that breaks is dropped and the
 * next checkout opens a new one. Errors on idle connections (a restarted
 * server, a terminated backend) are expected and must not crash the process.
 */
export function createPool(options: PostgresStoreOptions): pg.Pool {
  const size = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isSafeInteger(size) || size < 1)
    throw new TypeError(`poolSize must be a positive integer, not ${size}`);
  const pool = new pg.Pool({
    ...clientConfig(options),
    max: size,
    idleTimeoutMillis: 30_000,
  });
  // pg-pool removes the broken idle client itself; without a listener the
  // "error" event would throw.
  pool.on("error", () => {});
  return pool;
}
