/**
 * WAL checkpoints off the hub's event loop. SQLite's automatic checkpoint runs
 * inside the COMMIT that crosses 1,000 WAL pages: it copies those pages into
 * the database file and fsyncs it, on the connection's thread, which for the
 * hub is the event loop: CPU the loop's one core could spend on messages.
 * Off the loop, store-only appends at saturation went from 43k to 46k msg/s
 * (334 B) and 20k to 23-24k (2 KiB) (bench/storeAppend.ts); the loop's
 * delay under paced load did not change (fsync and the writes dominate it).
 *
 * Here a worker thread with its own connection does the copying (a PASSIVE
 * checkpoint, which never blocks the writer), nudged after commits at most
 * every CHECKPOINT_EVERY_MS. A PASSIVE checkpoint alone cannot keep the WAL
 * small under steady writes: SQLite starts the WAL file over only when a
 * write begins after every frame was copied, and a busy writer always adds
 * frames while the worker copies. So once the WAL is past RESTART_FRAMES the
 * worker checkpoints back to back until at most FINISH_FRAMES are left to
 * copy, then the writer holds its next transactions while the worker copies
 * that remainder, and its next write starts the WAL over (walRestart.ts).
 * The writer used to copy the remainder itself,
 * on the event loop, with the two fsyncs a checkpoint makes: under a
 * disk-fill attack those were most of the loop's fsyncs left after ST60
 * (SPEC ST61). Durability is unchanged: a checkpoint only moves committed
 * pages, and syncs the WAL before and the database after.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import { nextRestartStep } from "./walRestart.js";

/** How often, at most, the worker is asked to checkpoint while writes go on. */
const CHECKPOINT_EVERY_MS = 100;
/**
 * Past this many frames (16 MiB of 4 KiB pages; SQLite's own autocheckpoint
 * is 1,000) the WAL should start over: checkpoints go back to back until the
 * writer can be held for the last few frames (walRestart.ts). Each start
 * costs the writer an fsync of the WAL's new header on the event loop, which
 * SQLite makes even with synchronous=NORMAL; a worker that catches up by
 * itself between bursts starts the WAL over too, whatever its size (ST61).
 */
const RESTART_FRAMES = 4096;
/** Frames left to copy for which writes are held so the worker can finish (1 MiB at most). */
const FINISH_FRAMES = 256;

/** The worker's whole program: one connection, a PASSIVE checkpoint per request. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
db.pragma("synchronous = FULL");
parentPort.on("message", (message) => {
  if (message === "close") {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ ok: true, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error) });
  }
});
`;

interface CheckpointReport {
  ok: boolean;
  log?: number;
  checkpointed?: number;
  error?: string;
}

export interface CheckpointStats {
  /** Checkpoints the worker ran. */
  checkpoints: number;
  /** Remainders the writer copied itself, each letting the WAL start over. */
  finishes: number;
  /** WAL frames at the worker's last checkpoint. */
  walFrames: number;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private inFlight = false;
  private lastAt = 0;
  private finishing = false;
  /** The WAL's frames when the last checkpoint began. */
  private lastLog = 0;
  /** Holds the writer's next transactions until `done` settles (GroupCommit.holdWhile). */
  private holdWrites: ((done: Promise<unknown>) => void) | undefined;
  private failed = false;
  /** checkpointNow() callers: the current request's, and those that must wait for a fresh one. */
  private waiters: ((report: CheckpointReport) => void)[] = [];
  private nextWaiters: ((report: CheckpointReport) => void)[] = [];
  private readonly counters: CheckpointStats = { checkpoints: 0, finishes: 0, walFrames: 0 };

  constructor(
    private readonly db: Database.Database,
    options: { busyTimeoutMs: number; onError: (error: Error) => void },
  ) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path: db.name, busyTimeoutMs: options.busyTimeoutMs },
    });
    // An idle hub must be free to exit; close() ends the worker.
    this.worker.unref();
    this.worker.on("message", (report: CheckpointReport) => this.onReport(report));
    this.worker.on("error", (error) => {
      // Without the worker nothing would bound the WAL: hand checkpoints back to SQLite.
      this.fallBack();
      options.onError(error);
    });
    db.pragma("wal_autocheckpoint = 0");
  }

  stats(): CheckpointStats {
    return { ...this.counters };
  }

  /** How the checkpointer holds the writer while the worker finishes a checkpoint. */
  holdWritesWith(hold: (done: Promise<unknown>) => void): void {
    this.holdWrites = hold;
  }

  /** Call after each committed transaction, outside any transaction. */
  afterCommit(): void {
    if (this.failed || this.inFlight || performance.now() - this.lastAt < CHECKPOINT_EVERY_MS) return;
    this.request();
  }

  /** Run a checkpoint that starts after this call, and wait for it (tests). */
  checkpointNow(): Promise<CheckpointStats> {
    return new Promise((resolve) => {
      if (this.failed) return resolve(this.stats());
      const waiter = () => resolve(this.stats());
      if (this.inFlight) this.nextWaiters.push(waiter);
      else {
        this.waiters.push(waiter);
        this.request();
      }
    });
  }

  /** Close the worker's connection first, so the writer's close is the last and removes the WAL. */
  async close(): Promise<void> {
    this.fallBack();
    const exited = new Promise((resolve) => this.worker.once("exit", resolve));
    // Held until it exits: unref'd, a process with nothing else to do would
    // end while close() is still waiting (exit code 13 under a top-level await).
    this.worker.ref();
    this.worker.postMessage("close");
    await exited;
  }

  private request(): void {
    this.inFlight = true;
    this.worker.postMessage("checkpoint");
  }

  private onReport(report: CheckpointReport): void {
    this.inFlight = false;
    this.lastAt = performance.now();
    // -1: SQLite did not run it (SQLITE_BUSY), because the writer was copying
    // the last frames itself at that moment. That copy is over by the time
    // this report is read, so whoever waits for a checkpoint gets a new one;
    // otherwise the next commit asks again.
    if (report.ok && (report.log ?? -1) < 0) {
      this.waiters.push(...this.nextWaiters.splice(0));
      if (this.waiters.length > 0) this.request();
      return;
    }
    // Answered by this report: a checkpoint asked for below is not theirs.
    const answered = this.waiters.splice(0);
    if (report.ok) {
      this.counters.checkpoints++;
      const reading = { log: report.log ?? 0, checkpointed: report.checkpointed ?? 0 };
      this.counters.walFrames = reading.log;
      const step = this.finishing
        ? "wait"
        : nextRestartStep(reading, this.lastLog, {
            restartFrames: RESTART_FRAMES,
            finishFrames: FINISH_FRAMES,
          });
      this.lastLog = reading.log;
      if (step === "finish") this.finish();
      else if (step === "again") this.request();
    }
    for (const waiter of answered) waiter(report);
    // Whoever asked while that checkpoint ran waits for one that starts after: the next.
    this.waiters.push(...this.nextWaiters.splice(0));
    if (this.waiters.length > 0 && !this.inFlight) this.request();
  }

  /**
   * Hold the writer's next transactions while the worker copies the last few
   * frames, so that the WAL starts over at the next write. The writer is never
   * mid-transaction here: transactions run whole within one turn.
   */
  private finish(): void {
    if (this.finishing || this.holdWrites === undefined) return;
    this.finishing = true;
    const done = this.checkpointNow().then(() => {
      this.finishing = false;
      this.counters.finishes++;
    });
    this.holdWrites(done);
  }

  private fallBack(): void {
    this.failed = true;
    this.inFlight = false;
    if (this.db.open) this.db.pragma("wal_autocheckpoint = 1000");
    const stopped = { ok: false, error: "checkpointer stopped" };
    for (const waiter of [...this.waiters.splice(0), ...this.nextWaiters.splice(0)]) waiter(stopped);
  }
}
