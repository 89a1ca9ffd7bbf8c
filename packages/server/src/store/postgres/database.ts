import type pg from "pg";
import { isConnectionLost, isRetryable, isUnavailable, toStoreError, wasNeverSent } from "./errors.js";

/**
 * A statement PostgreSQL parses and plans once per connection, then runs
 * with a generic plan. Only for hot statements whose best plan does not
 * depend on the values: a join against the log planned that way once slowed
 * batched appends down fourfold as the log grew (14k to 4k messages/s over
 * 80k appends), so the append statements probe it by index (LATERAL ...
 * LIMIT 1) instead of joining it.
 */
export interface Prepared {
  readonly name: string;
  readonly text: string;
}

export function prepared(name: string, text: string): Prepared {
  return { name, text };
}

/** Something SQL runs on: the pool (each statement its own transaction) or an open transaction. */
export interface Sql {
  /**
   * Run one statement. A string is unnamed: PostgreSQL plans it for the
   * values at hand, every time. A Prepared statement is planned once.
   */
  rows<R extends pg.QueryResultRow>(statement: string | Prepared, values?: unknown[]): Promise<R[]>;
}

/** A transaction's SQL, plus a way to end it with ROLLBACK while still answering a result. */
export interface Transaction extends Sql {
  rollbackOnly(): void;
}

/** Transactions the server rolled back (deadlock, serialization failure) are run again, this many times in all. */
const MAX_ATTEMPTS = 5;

function queryConfig(statement: string | Prepared, values: unknown[] | undefined): pg.QueryConfig {
  if (typeof statement === "string") return { text: statement, values: values ?? [] };
  return { name: statement.name, text: statement.text, values: values ?? [] };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A few ms with jitter, so two transactions that deadlocked do not collide again in step. */
const backoff = (attempt: number): Promise<void> => pause(Math.random() * 5 * 2 ** attempt);

/**
 * The pool, with the retry rules in one place:
 * - a statement or transaction the server rolled back (deadlock,
 *   serialization failure) runs again;
 * - a read, a transaction that failed before COMMIT was sent, or a statement
 *   pg never sent, runs again once on a fresh connection when the connection
 *   broke (a terminated backend, a restarted server), so one dead pooled
 *   connection costs the caller nothing;
 * - a write whose COMMIT may or may not have happened is not retried here:
 *   it rejects with StoreUnavailableError and the caller retries (every write
 *   the hub repeats is idempotent).
 */
export class Database implements Sql {
  constructor(readonly pool: pg.Pool) {}

  /** A statement that changes nothing: safe to run again whatever happened. */
  read<R extends pg.QueryResultRow>(text: string | Prepared, values?: unknown[]): Promise<R[]> {
    return this.run(text, values, true);
  }

  /** One statement, atomic on its own; retried only when the server says it rolled it back. */
  rows<R extends pg.QueryResultRow>(text: string | Prepared, values?: unknown[]): Promise<R[]> {
    return this.run(text, values, false);
  }

  /** Run `work` in one READ COMMITTED transaction; its locks make it atomic against other nodes. */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw toStoreError(error);
      }
      // A checked-out client has no listener; a backend killed between two
      // statements would otherwise throw from the socket's event handler.
      const onError = (): void => {};
      client.on("error", onError);
      let broken: Error | undefined;
      let committing = false;
      let rollbackOnly = false;
      const tx: Transaction = {
        rows: async <R extends pg.QueryResultRow>(statement: string | Prepared, values?: unknown[]) =>
          (await client.query<R>(queryConfig(statement, values))).rows,
        rollbackOnly: () => {
          rollbackOnly = true;
        },
      };
      try {
        await client.query("BEGIN");
        const value = await work(tx);
        committing = true;
        await client.query(rollbackOnly ? "ROLLBACK" : "COMMIT");
        return value;
      } catch (error) {
        if (isUnavailable(error)) broken = error instanceof Error ? error : new Error(String(error));
        else if (!committing) {
          try {
            await client.query("ROLLBACK");
          } catch (rollbackError) {
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          }
        }
        const again = isRetryable(error) || (isConnectionLost(error) && !committing && attempt === 1);
        if (!again || attempt >= MAX_ATTEMPTS) throw toStoreError(error);
      } finally {
        client.off("error", onError);
        // Releasing with an error destroys the connection instead of pooling it.
        client.release(broken);
      }
      await backoff(attempt);
    }
  }

  private async run<R extends pg.QueryResultRow>(
    text: string | Prepared,
    values: unknown[] | undefined,
    idempotent: boolean,
  ): Promise<R[]> {
    const query = queryConfig(text, values);
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.pool.query<R>(query)).rows;
      } catch (error) {
        const again =
          isRetryable(error) ||
          (attempt === 1 && (wasNeverSent(error) || (idempotent && isConnectionLost(error))));
        if (!again || attempt >= MAX_ATTEMPTS) throw toStoreError(error);
      }
      await backoff(attempt);
    }
  }
}
