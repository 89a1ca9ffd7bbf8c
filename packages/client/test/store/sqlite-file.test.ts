/** What only the SQLite adapter promises: the file it keeps, its mode and its schema version. */
import Database from "better-sqlite3";
import { statSync, writeFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteLocalStore } from "../../src/node.js";
import { LocalStoreError } from "../../src/store/errors.js";
import { SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";
import { conversation, identity } from "./fixtures.js";

const mode = (path: string): number => statSync(path).mode & 0o777;

describe("sqlite LocalStore file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchboard-localstore-file-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates missing parent directories and an owner-only database file", async () => {
    const path = join(dir, "a", "b", "store.db");
    const store = openSqliteLocalStore(path);
    await store.write([{ kind: "identity", identity: identity() }]);
    expect(mode(path)).toBe(0o600);
    // The write-ahead log holds the same private keys until a checkpoint.
    expect(mode(`${path}-wal`)).toBe(0o600);
    expect(mode(`${path}-shm`)).toBe(0o600);
    await store.close();
  });

  it("narrows an existing database file that others could read", async () => {
    const path = join(dir, "store.db");
    await openSqliteLocalStore(path).close();
    await chmod(path, 0o644);
    const store = openSqliteLocalStore(path);
    expect(mode(path)).toBe(0o600);
    await store.close();
  });

  it("uses WAL and records the schema version in user_version", async () => {
    const path = join(dir, "store.db");
    const store = openSqliteLocalStore(path);
    await store.write([{ kind: "putConversation", conversation: conversation("c1") }]);
    const peek = new Database(path, { readonly: true });
    try {
      expect(peek.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(peek.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
    } finally {
      peek.close();
      await store.close();
    }
  });

  it("refuses a database written by a newer schema, and leaves it alone", async () => {
    const path = join(dir, "store.db");
    await openSqliteLocalStore(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();

    let error: unknown;
    try {
      openSqliteLocalStore(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LocalStoreError);
    expect((error as LocalStoreError).code).toBe("UNSUPPORTED_SCHEMA");
    const peek = new Database(path, { readonly: true });
    expect(peek.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION + 1);
    peek.close();
  });

  it("refuses a file that is not a database without changing it", () => {
    const path = join(dir, "store.db");
    writeFileSync(path, "not a database, just some text that is long enough to have a header");
    expect(() => openSqliteLocalStore(path)).toThrow();
    expect(statSync(path).size).toBeGreaterThan(0);
  });
});
