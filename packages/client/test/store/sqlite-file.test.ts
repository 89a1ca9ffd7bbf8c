/** What only the SQLite adapter promises: the file it keeps, its mode and its schema version. */
import Database from "better-sqlite3";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteLocalStore } from "../../src/node.js";
import { LocalStoreError } from "../../src/store/errors.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";
import { conversation, identity, message } from "./fixtures.js";

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

describe("sqlite LocalStore: text deleted for everyone", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchboard-localstore-deleted-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Every file the database keeps (a missing -wal or -shm counts as empty). */
  const allBytes = (path: string): Buffer =>
    Buffer.concat(
      [path, `${path}-wal`, `${path}-shm`].map((p) => {
        try {
          return readFileSync(p);
        } catch {
          return Buffer.alloc(0);
        }
      }),
    );

  it("[LS9] [CT7] no byte of a deleted message's text is left in the db, -wal or -shm file after a checkpoint", async () => {
    const path = join(dir, "store.db");
    const secret = "PINEAPPLE-7f3a9c-SECRET-TEXT";
    const store = openSqliteLocalStore(path);
    await store.write([
      { kind: "putConversation", conversation: conversation("c1") },
      { kind: "putMessage", message: message("c1", "keep", { seq: 1, text: "an ordinary message" }) },
      { kind: "putMessage", message: message("c1", "gone", { seq: 2, text: `${secret} once` }) },
    ]);
    // Edited in between: an edit's old text must go too.
    await store.write([
      {
        kind: "putMessage",
        message: message("c1", "gone", { seq: 2, text: `${secret} twice`, editCount: 1 }),
      },
    ]);
    await store.close();
    const peek = new Database(path);
    peek.pragma("wal_checkpoint(TRUNCATE)");
    peek.close();
    expect(allBytes(path).includes(secret)).toBe(true); // the probe can fail: the text is there before the delete

    const again = openSqliteLocalStore(path);
    const stored = await again.getMessage("c1", "gone");
    await again.write([{ kind: "putMessage", message: { ...stored!, text: "", deleted: true } }]);
    await again.close();
    const checkpoint = new Database(path);
    checkpoint.pragma("wal_checkpoint(TRUNCATE)");
    checkpoint.close();
    expect(allBytes(path).includes(secret)).toBe(false);
    expect(allBytes(path).includes("an ordinary message")).toBe(true);
  });

  it("[LS9] delete for me leaves no byte of the text either", async () => {
    const path = join(dir, "store.db");
    const secret = "MANGO-0c1d2e-FOR-ME-ONLY";
    const store = openSqliteLocalStore(path);
    await store.write([
      { kind: "putConversation", conversation: conversation("c1") },
      { kind: "putMessage", message: message("c1", "gone", { seq: 2, text: secret }) },
    ]);
    await store.write([{ kind: "deleteMessage", conversationId: "c1", id: "gone" }]);
    await store.close();
    const checkpoint = new Database(path);
    checkpoint.pragma("wal_checkpoint(TRUNCATE)");
    checkpoint.close();
    expect(allBytes(path).includes(secret)).toBe(false);
  });
});

describe("sqlite LocalStore: migration 2 (MIMI content)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchboard-localstore-migrate-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("[CT3] a store from before MIMI keeps its messages and outbox: unchanged marks, no plaintext", async () => {
    const path = join(dir, "store.db");
    const old = new Database(path);
    old.exec(MIGRATIONS[0]!);
    old.pragma("user_version = 1");
    const c = conversation("c1");
    old
      .prepare(
        `INSERT INTO conversations (id, kind, title, peer, participants, group_state, epoch, applied_seq, active, created_at, updated_at)
         VALUES (?, 'group', 't', NULL, '[]', ?, 1, 1, 1, 1, 1)`,
      )
      .run(c.id, Buffer.from(c.groupState.parts.get("core")!));
    old
      .prepare(
        `INSERT INTO messages (conversation_id, id, seq, sender_address, sender_device_id, text, sent_at, server_time, outgoing)
         VALUES (?, 'legacy-id', 1, 'bob@whatsapp', 'd', 'from before', 5, 6, 0)`,
      )
      .run(c.id);
    old
      .prepare(
        `INSERT INTO outbox (client_message_id, conversation_id, payload, epoch, created_at) VALUES ('o1', ?, ?, 1, 7)`,
      )
      .run(c.id, Buffer.from([1, 2, 3]));
    old.close();

    const store = openSqliteLocalStore(path);
    expect(await store.getMessage(c.id, "legacy-id")).toEqual({
      id: "legacy-id",
      conversationId: c.id,
      seq: 1,
      senderAddress: "bob@whatsapp",
      senderDeviceId: "d",
      text: "from before",
      sentAt: 5,
      serverTime: 6,
      outgoing: false,
      replyTo: null,
      editCount: 0,
      editedAt: null,
      deleted: false,
      expiresAt: null,
    });
    expect((await store.listOutbox())[0]).toMatchObject({ clientMessageId: "o1", plaintext: null });
    expect(await store.listReactions(c.id, "legacy-id")).toEqual([]);
    // [ST44] its group state comes through migration 5 whole, as one "v1" part.
    expect((await store.getConversation(c.id))!.groupState.parts).toEqual(
      new Map([["v1", c.groupState.parts.get("core")]]),
    );
    await store.close();
  });
});
