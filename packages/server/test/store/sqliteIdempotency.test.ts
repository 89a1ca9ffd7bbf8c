/**
 * SPEC ST65: on SQLite a retry is found by the idempotency keys in memory,
 * each hit checked against the log, not by a unique index on the client id.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/index.js";
import type { LogQueries } from "../../src/store/sqlite/log.js";
import { T0, message, newAccount, newGroup, type TestAccount } from "./contract/fixtures.js";

describe("SQLite idempotency keys (SPEC ST65)", () => {
  let dir: string;
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(file: string): SqliteStore {
    store = openSqliteStore({ path: file });
    return store;
  }

  /** A new store file with alice in group g1. */
  async function withGroup(): Promise<{ s: SqliteStore; file: string; alice: TestAccount }> {
    dir = mkdtempSync(join(tmpdir(), "switchboard-idem-"));
    const file = join(dir, "store.db");
    const s = open(file);
    const alice = await newAccount(s, "alice");
    await newGroup(s, "g1", alice);
    return { s, file, alice };
  }

  it("[ST65] a retry after the hub restarts gets its first seq: the keys are rebuilt from the log", async () => {
    const first = await withGroup();
    const { file, alice } = first;
    let s = first.s;
    for (let i = 0; i < 50; i++) await s.appendMessage(message("g1", alice, `m${i}`));
    await s.close();
    s = open(file);
    const retry = await s.appendMessage(message("g1", alice, "m17"));
    expect(retry.kind).toBe("duplicate");
    expect(retry.kind === "duplicate" && retry.entry.seq).toBe(18);
    const next = await s.appendMessage(message("g1", alice, "m50"));
    expect(next.kind === "appended" && next.entry.seq).toBe(51);
  });

  it("[ST65] a key remembered for an entry the log does not hold (a rolled-back insert) does not make a duplicate", async () => {
    const { s, alice } = await withGroup();
    await s.appendMessage(message("g1", alice, "first"));
    const log = (s as unknown as { log: LogQueries }).log;
    // As a transaction that inserted "ghost" at seq 1 and 2, then rolled back, leaves it.
    log.remember("g1", alice.deviceId, "ghost", 1);
    log.remember("g1", alice.deviceId, "ghost", 2);
    const stored = await s.appendMessage(message("g1", alice, "ghost"));
    expect(stored.kind === "appended" && stored.entry.seq).toBe(2);
    const retry = await s.appendMessage(message("g1", alice, "ghost"));
    expect(retry.kind === "duplicate" && retry.entry.seq).toBe(2);
  });

  it("[ST65] entries the pruner deleted are forgotten once the delete commits; a later send with the id is stored anew", async () => {
    const { s, alice } = await withGroup();
    await s.appendMessage(message("g1", alice, "old"));
    await s.appendMessage(message("g1", alice, "kept"));
    await s.setEntryExpiry("g1", 1, T0 + 10);
    const keys = (s as unknown as { log: { keys: { size: number } } }).log.keys;
    expect(keys.size).toBe(2);
    expect(await s.pruneExpiredEntries(T0 + 10, 10)).toBe(1);
    expect(keys.size).toBe(1);
    const again = await s.appendMessage(message("g1", alice, "old"));
    expect(again.kind === "appended" && again.entry.seq).toBe(3);
    const retry = await s.appendMessage(message("g1", alice, "kept"));
    expect(retry.kind === "duplicate" && retry.entry.seq).toBe(2);
  });

  it("[ST65] the log has no index on the client id", async () => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-idem-"));
    const s = open(join(dir, "store.db"));
    const db = (s as unknown as { db: { prepare(sql: string): { pluck(): { all(): unknown[] } } } }).db;
    const indexes = db
      .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'log'")
      .pluck()
      .all();
    expect(indexes.join("\n")).not.toMatch(/client_message_id/);
  });
});
