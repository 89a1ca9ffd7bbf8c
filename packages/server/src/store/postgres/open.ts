import { toStoreError } from "./errors.js";
import { createPool, type PostgresStoreOptions } from "./pool.js";
import { PostgresStore } from "./postgresStore.js";
import { migrate } from "./schema.js";

/**
 * Open a PostgreSQL-backed Store: run pending migrations (unless told not
 * to), then start the pool. Rejects with StoreUnavailableError when the
 * server cannot be reached within the connect timeout.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  if (options.migrate ?? true) await migrate(options);
  const pool = createPool(options);
  try {
    // Fail now, not on the first request, when the server or the schema is not there.
    await pool.query("SELECT 1 FROM schema_migrations LIMIT 1");
  } catch (error) {
    await pool.end().catch(() => {});
    throw toStoreError(error);
  }
  // Options in the URL (`?options=-c synchronous_commit=off`) win over ours
  // in node-postgres. Without synchronous commit an acknowledged message can
  // be lost in a crash (SPEC DS2): refuse to serve rather than lose it.
  const { rows } = await pool.query<{ value: string }>(
    "SELECT current_setting('synchronous_commit') AS value",
  );
  if (rows[0]?.value === "off") {
    await pool.end().catch(() => {});
    throw new Error(
      "PostgreSQL sessions run with synchronous_commit=off (set in the db URL's options?): " +
        "acknowledged messages could be lost in a crash; remove that setting",
    );
  }
  return new PostgresStore(pool);
}
