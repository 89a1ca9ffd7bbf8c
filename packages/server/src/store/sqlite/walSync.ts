/**
 * The WAL's fsync, off the event loop (SPEC ST60). With synchronous=FULL,
 * SQLite fsyncs the WAL inside COMMIT, on the connection's thread, which for
 * the hub is the event loop: under a disk-fill attack (200 KiB messages) one
 * COMMIT held the loop for up to 99 ms, and /healthz and every other socket
 * waited behind it (issue 14). So the writer's connection runs with
 * synchronous=NORMAL, which writes the WAL frames at COMMIT but leaves the
 * fsync out, and this class fsyncs the WAL file on libuv's thread pool
 * instead. Nothing is acknowledged, and no read is answered, until the fsync
 * that covers it has returned: durability is what FULL gave (DESIGN rule 2),
 * and one fsync still covers every transaction committed before it started.
 *
 * Ordering is by a counter of commits: `committed()` after each COMMIT
 * returns the commit's number; `whenSynced(n)` resolves once an fsync that
 * started after commit n has returned. One fsync runs at a time; commits
 * made while it runs wait for the next, which starts as soon as it ends.
 *
 * A failed fsync is not retried: Linux may have dropped the dirty pages it
 * could not write ("fsyncgate"), so whatever the WAL holds since the last
 * good fsync is in doubt. Everyone waiting hears the error, and so does every
 * later write or read, until the hub restarts and SQLite recovers from what
 * is really on disk.
 */
import * as fs from "node:fs";

/** The file calls WalSync makes; node:fs by default, a fake in tests. */
export interface WalFileIo {
  open(path: string, flags: "r", done: (error: NodeJS.ErrnoException | null, fd: number) => void): void;
  fsync(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void;
  close(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void;
  /** Open, fsync and close on the caller's thread (closing the store). */
  syncNow(path: string): void;
}

const nodeIo: WalFileIo = {
  open: (path, flags, done) => fs.open(path, flags, done),
  fsync: (fd, done) => fs.fsync(fd, done),
  close: (fd, done) => fs.close(fd, done),
  syncNow(path) {
    const fd = fs.openSync(path, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};

interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface WalSyncStats {
  /** fsyncs run. */
  syncs: number;
  /** Commits those fsyncs covered. */
  commits: number;
}

export class WalSync {
  private commits = 0;
  private syncedUpTo = 0;
  private running = false;
  private fd: number | undefined;
  private failure: Error | undefined;
  private closed = false;
  private waiters: Waiter[] = [];
  private readonly counters: WalSyncStats = { syncs: 0, commits: 0 };

  constructor(
    /** The database file's path; SQLite's WAL is beside it, with "-wal" appended. */
    databasePath: string,
    private readonly io: WalFileIo = nodeIo,
  ) {
    this.walPath = `${databasePath}-wal`;
  }

  private readonly walPath: string;

  /** Count a COMMIT that has returned; its number is what `whenSynced` waits for. */
  committed(): number {
    this.commits++;
    return this.commits;
  }

  /**
   * Resolves once commit `upTo` (by default, every commit so far) is on disk.
   * Undefined when it already is, so the common idle case costs no promise.
   */
  whenSynced(upTo = this.commits): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (upTo <= this.syncedUpTo) return undefined;
    const waiting = new Promise<void>((resolve, reject) => this.waiters.push({ upTo, resolve, reject }));
    this.start();
    return waiting;
  }

  /** The broken state, if an fsync failed: writes and reads must stop. */
  get failed(): Error | undefined {
    return this.failure;
  }

  stats(): WalSyncStats {
    return { ...this.counters };
  }

  /**
   * The store is closing and its last writes ran synchronously: sync them
   * here, on the caller's thread, answer everyone waiting, and let go of the file.
   */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.failure && this.syncedUpTo < this.commits) {
      this.io.syncNow(this.walPath);
      this.syncedUpTo = this.commits;
    }
    for (const waiter of this.waiters.splice(0)) {
      if (this.failure) waiter.reject(this.failure);
      else waiter.resolve();
    }
    // An fsync still running keeps the descriptor until it returns (see start).
    if (!this.running) this.release();
  }

  private release(): void {
    if (this.fd !== undefined) this.io.close(this.fd, () => {});
    this.fd = undefined;
  }

  private start(): void {
    if (this.running || this.failure || this.closed) return;
    this.running = true;
    const target = this.commits;
    this.withFile((fd) =>
      this.io.fsync(fd, (error) => {
        this.running = false;
        if (this.closed) return this.release();
        if (error) return this.fail(error);
        this.counters.syncs++;
        this.counters.commits += target - this.syncedUpTo;
        this.syncedUpTo = target;
        const still: Waiter[] = [];
        for (const waiter of this.waiters) {
          if (waiter.upTo <= target) waiter.resolve();
          else still.push(waiter);
        }
        this.waiters = still;
        if (still.length > 0) this.start();
      }),
    );
  }

  /** The WAL exists by the first commit; it is opened then, once, and kept (SQLite truncates it in place). */
  private withFile(run: (fd: number) => void): void {
    if (this.fd !== undefined) return run(this.fd);
    this.io.open(this.walPath, "r", (error, fd) => {
      if (error) {
        this.running = false;
        return this.fail(error);
      }
      if (this.closed) {
        this.running = false;
        return this.io.close(fd, () => {});
      }
      this.fd = fd;
      run(fd);
    });
  }

  private fail(error: NodeJS.ErrnoException): void {
    this.failure = new Error(
      `the database's write-ahead log could not be synced to disk; restart the hub: ${error.message}`,
      {
        cause: error,
      },
    );
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
  }
}
