import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/index.js";
import { GroupCommit } from "../../src/store/sqlite/groupCommit.js";
import { SCHEMA_VERSION } from "../../src/store/sqlite/schema.js";
import { describeStoreContract } from "./contract.js";
import { message, newAccount, newGroup } from "./contract/fixtures.js";

/** A fresh directory in the OS temp dir, and a way to remove it. */
function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "switchboard-store-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

describeStoreContract("sqlite", async () => {
  const dir = tempDir();
  const file = join(dir.path, "store.db");
  const opened: SqliteStore[] = [openSqliteStore({ path: file })];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = openSqliteStore({ path: file });
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      dir.remove();
    },
  };
});

describe("SqliteStore", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // Last opened, first closed: a store is closed before its directory goes.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function openTemp(): { store: SqliteStore; file: string } {
    const dir = tempDir();
    const file = join(dir.path, "store.db");
    const store = openSqliteStore({ path: file });
    cleanups.push(async () => {
      await store.close();
      dir.remove();
    });
    return { store, file };
  }

  it("runs in WAL mode with synchronous=NORMAL (the WAL is fsynced off the loop, ST60), foreign keys and a busy timeout", async () => {
    const { store, file } = openTemp();
    await newAccount(store, "alice");
    // journal_mode=WAL is persistent in the file; the other pragmas are per connection.
    const probe = new Database(file, { readonly: true });
    try {
      expect(probe.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(probe.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      probe.close();
    }
    const pragmas = store.pragmas();
    expect(pragmas).toEqual({ journalMode: "wal", synchronous: 1, foreignKeys: 1, busyTimeout: 5000 });
  });

  it("writes many concurrent appends in fewer transactions than appends", async () => {
    const { store } = openTemp();
    const alice = await newAccount(store, "alice");
    await newGroup(store, "g1", alice);
    const before = store.stats();
    const n = 100;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => store.appendMessage(message("g1", alice, `m${i}`))),
    );
    const after = store.stats();
    expect(results.every((r) => r.kind === "appended")).toBe(true);
    // [ST30] appends go in batches, each one operation of the group commit.
    expect(after.operations - before.operations).toBeLessThan(n);
    expect(after.operations - before.operations).toBeGreaterThanOrEqual(1);
    expect(after.transactions - before.transactions).toBeLessThan(n);
    expect(after.transactions - before.transactions).toBeGreaterThanOrEqual(1);
  });

  it("opens an in-memory store", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    cleanups.push(() => store.close());
    const alice = await newAccount(store, "alice");
    expect((await store.getAccount(alice.address))?.address).toBe(alice.address);
  });

  it("reopens an existing file without migrating it again", async () => {
    const { store, file } = openTemp();
    await newAccount(store, "alice");
    await store.close();
    const again = openSqliteStore({ path: file });
    cleanups.push(() => again.close());
    // Re-running migration 1 would fail on CREATE TABLE; the data is still there.
    expect(await again.getAccount("alice@test")).toBeDefined();
  });

  it("refuses a database written by a newer schema", async () => {
    const dir = tempDir();
    cleanups.push(async () => dir.remove());
    const file = join(dir.path, "future.db");
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteStore({ path: file })).toThrow(/newer/);
  });

  it("refuses writes after close", async () => {
    const { store } = openTemp();
    await store.close();
    await expect(store.touchDevice("x", 1)).rejects.toThrow(/closed/);
  });
});

describe("GroupCommit", () => {
  it("resolves each write of a batch after one shared transaction, and rejects a failing one alone", async () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (v INTEGER PRIMARY KEY)");
    const writer = new GroupCommit(db);
    const insert = db.prepare<[number]>("INSERT INTO t (v) VALUES (?)");
    const results = await Promise.allSettled(
      [1, 2, 1, 3].map((v) => writer.submit(() => insert.run(v).changes)),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    // The batch ran bare first, was rolled back when the duplicate threw, and committed isolated.
    expect(writer.stats()).toEqual({ transactions: 1, operations: 4, isolatedRetries: 1 });
    expect(db.prepare("SELECT v FROM t ORDER BY v").pluck().all()).toEqual([1, 2, 3]);
    writer.close();
    db.close();
  });

  it("rejects every write of a batch whose transaction SQLite abandoned", async () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (v INTEGER PRIMARY KEY)");
    const writer = new GroupCommit(db);
    const insert = db.prepare<[number]>("INSERT INTO t (v) VALUES (?)");
    const results = await Promise.allSettled([
      writer.submit(() => insert.run(1)),
      // Stands in for SQLite rolling back the whole transaction (disk full, I/O error).
      writer.submit(() => {
        db.exec("ROLLBACK");
        throw new Error("disk I/O error");
      }),
      writer.submit(() => insert.run(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(db.prepare("SELECT count(*) FROM t").pluck().get()).toBe(0);
    writer.close();
    db.close();
  });
});
