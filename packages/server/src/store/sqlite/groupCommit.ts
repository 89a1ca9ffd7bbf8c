import type Database from "better-sqlite3";
import type { WalSync } from "./walSync.js";

/**
 * Group commit: write operations queue up and run together in one SQLite
 * transaction on the next macrotask, so N concurrent writes cost one fsync
 * instead of N while each caller is still answered only after its write is
 * durable (DESIGN rule 2; synchronous=FULL makes COMMIT the durability point).
 *
 * With a file database the COMMIT itself does not fsync (synchronous=NORMAL):
 * `WalSync` fsyncs the WAL off the event loop, and the batch's callers are
 * answered when the fsync that covers their COMMIT returns (SPEC ST60).
 *
 * An operation that throws (a constraint violation, an unknown id) is rolled
 * back alone and its caller gets the error, while the others still commit.
 * Results callers branch on (epoch conflict, duplicate) are return values, not
 * throws, so a throw is rare, and the batch first runs with no savepoints:
 * a savepoint per operation made SQLite copy every page an operation touched
 * into its statement journal, which doubled the CPU cost of an append (26 vs
 * 16 µs, bench/storeAppend.ts). When something throws, that transaction is
 * rolled back whole and the batch runs again with each operation in its own
 * savepoint. Operations are pure functions of the database, so running one
 * twice, the first time rolled back, is the same as running it once.
 */

/** A write: synchronous, runs against the connection inside the batch transaction. */
export type WriteOperation<T> = () => T;

interface Pending {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommitStats {
  /** Transactions committed (or failed at BEGIN or COMMIT) by the writer. */
  transactions: number;
  /** Write operations run (each counted once, however many times its batch ran). */
  operations: number;
  /** Batches rolled back because an operation threw, then run again one savepoint per operation. */
  isolatedRetries: number;
}

/**
 * Bounds one transaction so a flood of writes cannot hold the write lock, or
 * a caller's acknowledgement, for an unbounded time; the rest go next tick.
 */
const MAX_BATCH = 1000;

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  /** Set while the checkpointer finishes the WAL off the loop: no transaction starts (SPEC ST61). */
  private held: Promise<unknown> | undefined;
  private closed = false;
  private readonly counters: GroupCommitStats = {
    transactions: 0,
    operations: 0,
    isolatedRetries: 0,
  };

  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;

  constructor(
    private readonly db: Database.Database,
    /** Runs after each transaction, outside it (the WAL checkpointer's nudge). */
    private readonly afterCommit: () => void = () => {},
    /** The WAL's fsync off the loop; none for ":memory:", whose commits are as durable as they get at once. */
    private readonly wal?: WalSync,
  ) {
    // Prepared once: wrapping every operation in db.transaction() built a new
    // wrapper per write and cost ~5% of the hub's CPU under load.
    this.savepoint = db.prepare("SAVEPOINT op");
    this.release = db.prepare("RELEASE op");
    this.rollbackTo = db.prepare("ROLLBACK TO op");
  }

  /** Queue a write; resolves after the transaction that ran it has committed. */
  submit<T>(run: WriteOperation<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    if (this.wal?.failed) return Promise.reject(this.wal.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Start no transaction until `done` settles; what is submitted meanwhile
   * waits in the queue and goes in one batch after.
   */
  holdWhile(done: Promise<unknown>): void {
    const held = done.then(
      () => undefined,
      () => undefined,
    );
    this.held = held;
    void held.then(() => {
      if (this.held !== held) return;
      this.held = undefined;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private schedule(): void {
    if (this.held !== undefined) return;
    this.scheduled ??= setImmediate(() => {
      this.scheduled = null;
      this.flush();
    });
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  /** Write everything still queued, then refuse new writes. */
  close(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    while (this.queue.length > 0) this.runBatch(this.queue.splice(0, MAX_BATCH));
    this.closed = true;
    this.wal?.closeSync();
  }

  /**
   * Resolves once everything committed so far is on disk: a read calls it
   * after reading, so it never answers with what a power cut could still
   * take back. Undefined when nothing is waiting for an fsync.
   */
  synced(): Promise<void> | undefined {
    return this.wal?.whenSynced();
  }

  private flush(): void {
    if (this.held !== undefined) return;
    this.runBatch(this.queue.splice(0, MAX_BATCH));
    if (this.queue.length > 0) this.schedule();
  }

  private runBatch(batch: Pending[]): void {
    if (batch.length === 0) return;
    this.counters.operations += batch.length;
    let outcomes: Outcome[];
    try {
      outcomes = this.runTogether(batch) ?? this.runIsolated(batch);
    } catch (error) {
      // BEGIN or COMMIT failed, or SQLite abandoned the transaction: nothing
      // in this batch is durable, so every caller hears so (and may retry:
      // writes are idempotent by client message id).
      for (const op of batch) op.reject(error);
      return;
    }
    this.afterCommit();
    const durable = this.wal?.whenSynced(this.wal.committed());
    if (durable === undefined) this.settle(batch, outcomes);
    else
      durable.then(
        () => this.settle(batch, outcomes),
        (error: unknown) => {
          for (const op of batch) op.reject(error);
        },
      );
  }

  private settle(batch: Pending[], outcomes: Outcome[]): void {
    for (const [i, op] of batch.entries()) {
      const outcome = outcomes[i];
      if (outcome === undefined) op.reject(new Error("group commit lost an outcome"));
      else if (outcome.ok) op.resolve(outcome.value);
      else op.reject(outcome.error);
    }
  }

  /**
   * The common case: every operation bare in one transaction. Undefined when
   * one threw (better-sqlite3 has then rolled the transaction back) and the
   * batch must run again isolated; a batch of one needs no second run.
   */
  private runTogether(batch: Pending[]): Outcome[] | undefined {
    try {
      const values = this.db.transaction(() => batch.map((op) => op.run())).immediate();
      this.counters.transactions++;
      return values.map((value) => ({ ok: true, value }));
    } catch (error) {
      if (batch.length === 1) {
        this.counters.transactions++;
        return [{ ok: false, error }];
      }
      this.counters.isolatedRetries++;
      return undefined;
    }
  }

  private runIsolated(batch: Pending[]): Outcome[] {
    this.counters.transactions++;
    return this.db.transaction(() => batch.map((op) => this.runOne(op))).immediate();
  }

  private runOne(op: Pending): Outcome {
    this.savepoint.run();
    try {
      const value = op.run();
      this.release.run();
      return { ok: true, value };
    } catch (error) {
      // Some errors (disk full, I/O) make SQLite roll back the whole
      // transaction; carrying on would run later ops in autocommit mode.
      if (!this.db.inTransaction) throw error;
      this.rollbackTo.run();
      this.release.run();
      return { ok: false, error };
    }
  }
}
