/**
 * SPEC ST60: the WAL's fsync runs off the event loop, and nothing is
 * acknowledged or read back before the fsync covering it has returned. A
 * fake WalFileIo holds each fsync until the test lets it go, on a real
 * SQLite file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/index.js";
import type { WalFileIo } from "../../src/store/sqlite/walSync.js";
import { message, newAccount, newGroup } from "./contract/fixtures.js";

/** fsyncs wait in `held` until release() or fail(); everything else is node:fs-like and immediate. */
class HeldIo implements WalFileIo {
  held: ((error: NodeJS.ErrnoException | null) => void)[] = [];
  synced = 0;
  syncedNow = 0;
  open(_path: string, _flags: "r", done: (error: NodeJS.ErrnoException | null, fd: number) => void): void {
    setImmediate(() => done(null, 42));
  }
  fsync(_fd: number, done: (error: NodeJS.ErrnoException | null) => void): void {
    this.held.push(done);
  }
  close(_fd: number, done: (error: NodeJS.ErrnoException | null) => void): void {
    done(null);
  }
  syncNow(): void {
    this.syncedNow++;
  }
  release(): void {
    for (const done of this.held.splice(0)) {
      this.synced++;
      done(null);
    }
  }
  fail(): void {
    const error = Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
    for (const done of this.held.splice(0)) done(error);
  }
}

/** Lets the event loop run until `condition` holds (the writer and the fake fs use setImmediate). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}

function settled<T>(promise: Promise<T>): { done: boolean; value?: T; error?: unknown } {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

describe("[ST60] the WAL's fsync runs off the event loop", () => {
  let dir: string;
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(io: HeldIo) {
    dir = mkdtempSync(join(tmpdir(), "switchboard-walsync-"));
    store = openSqliteStore({ path: join(dir, "store.db"), walIo: io });
    const setup = (async () => {
      const alice = await newAccount(store, "alice");
      await newGroup(store, "g1", alice);
      return alice;
    })();
    // Each setup write waits for its fsync: let them through as they come.
    const pump = setInterval(() => io.release(), 1);
    try {
      return { store: store, alice: await setup };
    } finally {
      clearInterval(pump);
    }
  }

  it("[ST60] answers a write only once the fsync covering its commit has returned", async () => {
    const io = new HeldIo();
    const { store: s, alice } = await open(io);
    const append = settled(s.appendMessage(message("g1", alice, "m1")));
    await until(() => io.held.length === 1);
    // Committed in SQLite, but its fsync is still running: no acknowledgement yet.
    expect(append.done).toBe(false);
    io.release();
    await until(() => append.done);
    expect(append.value).toMatchObject({ kind: "appended", entry: { seq: 1 } });
  });

  it("[ST60] a read that sees a commit still being synced answers after that fsync", async () => {
    const io = new HeldIo();
    const { store: s, alice } = await open(io);
    const append = settled(s.appendMessage(message("g1", alice, "m1")));
    await until(() => io.held.length === 1);
    const read = settled(s.readLog("g1", 0, 10));
    await new Promise((r) => setImmediate(r));
    expect(read.done).toBe(false);
    io.release();
    await until(() => read.done && append.done);
    expect((read.value as { seq: number }[]).map((e) => e.seq)).toEqual([1]);
  });

  it("[ST60] commits made while an fsync runs wait for the next one, and one fsync covers them all", async () => {
    const io = new HeldIo();
    const { store: s, alice } = await open(io);
    const first = settled(s.appendMessage(message("g1", alice, "a")));
    await until(() => io.held.length === 1);
    // Three more batches commit while the first fsync is out.
    const later = [settled(s.appendMessage(message("g1", alice, "b")))];
    await new Promise((r) => setImmediate(r));
    later.push(settled(s.appendMessage(message("g1", alice, "c"))));
    later.push(settled(s.appendMessage(message("g1", alice, "d"))));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(io.held.length).toBe(1); // one fsync at a time
    io.release();
    await until(() => first.done && io.held.length === 1);
    expect(later.some((p) => p.done)).toBe(false);
    io.release();
    await until(() => later.every((p) => p.done));
    expect(later.map((p) => (p.value as { entry: { seq: number } }).entry.seq)).toEqual([2, 3, 4]);
  });

  it("[ST60] a failed fsync fails its writers, and every later write and read, with one clear error", async () => {
    const io = new HeldIo();
    const { store: s, alice } = await open(io);
    const append = settled(s.appendMessage(message("g1", alice, "m1")));
    await until(() => io.held.length === 1);
    io.fail();
    await until(() => append.done);
    expect(String(append.error)).toMatch(/could not be synced to disk; restart the hub/);
    await expect(s.appendMessage(message("g1", alice, "m2"))).rejects.toThrow(/restart the hub/);
    await expect(s.readLog("g1", 0, 10)).rejects.toThrow(/restart the hub/);
  });

  it("[ST60] closing syncs what the last writes committed, on the caller's thread", async () => {
    const io = new HeldIo();
    const { store: s, alice } = await open(io);
    // Its fsync never returns here: close() must sync it itself.
    const write = settled(s.block(alice.address, "bob@test", 1));
    await s.close();
    store = undefined;
    expect(io.syncedNow).toBe(1);
    await until(() => write.done);
    expect(write.value).toBe(true);
  });
});
