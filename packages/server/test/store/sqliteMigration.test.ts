/**
 * [ST21] Upgrading a store keeps its data: a database as the previous release
 * (schema version 1) left it opens with this build, migrated in place.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { SCHEMA_VERSION, migrate } from "../../src/store/sqlite/schema.js";
import { T0, delta, expectBytes, message, signatureKey, utf8 } from "./contract/fixtures.js";

const PREVIOUS_VERSION = 1;

/**
 * Rows written with the version-1 schema: two accounts, a group with one
 * message and the commit that added bob, bob's key packages, and bob's inbox
 * after acking its newest welcome (so the inbox id sequence is ahead of its rows).
 */
function writeVersion1Rows(db: Database.Database): void {
  const run = (sql: string, ...params: unknown[]): void => {
    db.prepare(sql).run(...params);
  };
  run("INSERT INTO accounts VALUES ('alice@test', 'test', 'Alice', ?)", T0);
  run("INSERT INTO accounts VALUES ('bob@test', 'test', 'Bob', ?)", T0);
  run("INSERT INTO devices VALUES ('alice-1', 'alice@test', ?, ?, ?, NULL)", signatureKey(1), T0, T0 + 5);
  run(
    "INSERT INTO devices VALUES ('alice-2', 'alice@test', ?, ?, ?, ?)",
    signatureKey(2),
    T0 + 1,
    T0 + 1,
    T0 + 9,
  );
  run("INSERT INTO devices VALUES ('bob-1', 'bob@test', ?, ?, ?, NULL)", signatureKey(3), T0, T0);
  run("INSERT INTO key_packages (device_id, last_resort, data) VALUES ('bob-1', 0, ?)", utf8("kp0"));
  run("INSERT INTO key_packages (device_id, last_resort, data) VALUES ('bob-1', 1, ?)", utf8("last"));
  run("INSERT INTO conversations VALUES ('g1', 'group', 1, 2, ?, ?, NULL)", T0, utf8("gi1"));
  run("INSERT INTO participants VALUES ('g1', 'alice@test'), ('g1', 'bob@test')");
  run("INSERT INTO members VALUES ('g1', 'alice-1', 0, 1), ('g1', 'bob-1', 2, 2)");
  run(
    "INSERT INTO log VALUES ('g1', 1, 'application', 'alice-1', 'alice@test', 'm1', ?, 0, ?, NULL)",
    utf8("hello"),
    T0 + 1,
  );
  run(
    "INSERT INTO log VALUES ('g1', 2, 'commit', 'alice-1', 'alice@test', 'c1', ?, 0, ?, ?)",
    utf8("commit"),
    T0 + 2,
    JSON.stringify(delta({ addedDevices: ["bob-1"], addedAccounts: ["bob@test"] })),
  );
  for (const payload of ["welcome", "newer welcome"]) {
    run(
      `INSERT INTO inbox (device_id, kind, conversation_id, payload, sender_address, server_time, seq)
       VALUES ('bob-1', 'welcome', 'g1', ?, 'alice@test', ?, 2)`,
      utf8(payload),
      T0 + 2,
    );
  }
  run("DELETE FROM inbox WHERE id = 2");
}

describe("SQLite schema upgrades", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** A file holding a version-1 database with rows in it. */
  function previousReleaseFile(): string {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-migrate-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "store.db");
    const db = new Database(file);
    db.pragma("foreign_keys = ON");
    migrate(db, PREVIOUS_VERSION);
    expect(db.pragma("user_version", { simple: true })).toBe(PREVIOUS_VERSION);
    writeVersion1Rows(db);
    db.close();
    return file;
  }

  function open(file: string): ReturnType<typeof openSqliteStore> {
    const store = openSqliteStore({ path: file });
    cleanups.unshift(() => store.close());
    return store;
  }

  it("[ST21] a version-1 store migrates to the current version with its rows intact", async () => {
    const file = previousReleaseFile();
    const store = open(file);

    const alice1 = await store.getDevice("alice-1");
    expect(alice1).toMatchObject({
      address: "alice@test",
      createdAt: T0,
      lastSeenAt: T0 + 5,
      revokedAt: null,
      name: "",
      approvedBy: null,
      approval: null,
      approvedAt: null,
    });
    expectBytes(alice1?.signatureKey, signatureKey(1));
    expect((await store.listDevices("alice@test", { includeRevoked: true })).map((d) => d.revokedAt)).toEqual(
      [null, T0 + 9],
    );
    expect(await store.countKeyPackages("bob-1")).toBe(1);

    expect(await store.getConversation("g1")).toMatchObject({
      epoch: 1,
      lastSeq: 2,
      participants: ["alice@test", "bob@test"],
    });
    const log = await store.readLog("g1", 0, 10);
    expect(log.map((e) => [e.seq, e.kind, e.clientMessageId, e.membership])).toEqual([
      [1, "application", "m1", null],
      [2, "commit", "c1", delta({ addedDevices: ["bob-1"], addedAccounts: ["bob@test"] })],
    ]);
    expectBytes(log[0]?.payload, utf8("hello"));
    expect(await store.getMembership("g1", "bob-1")).toEqual({ joinedSeq: 2 });
    expect((await store.listConversations("alice-1")).map((v) => v.cursor)).toEqual([1]);

    const inbox = await store.readInbox("bob-1", 0, 10);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      id: 1,
      kind: "welcome",
      conversationId: "g1",
      senderDeviceId: "",
      seq: 2,
    });
    expectBytes(inbox[0]?.payload, utf8("welcome"));

    // Idempotency survives the log's rebuild.
    expect(
      (await store.appendMessage(message("g1", { address: "alice@test", deviceId: "alice-1" }, "m1"))).kind,
    ).toBe("duplicate");
  });

  it("[ST21] inbox ids acked before the upgrade are not handed out again", async () => {
    const store = open(previousReleaseFile());
    const item = await store.putInbox({
      deviceId: "bob-1",
      kind: "device_message",
      payload: utf8("sealed"),
      senderAddress: "bob@test",
      senderDeviceId: "bob-1",
      serverTime: T0 + 3,
    });
    expect(item?.id).toBe(3);
  });

  it("[ST21] a migrated store takes the new kinds of rows", async () => {
    const store = open(previousReleaseFile());
    const proposed = await store.appendProposal({
      conversationId: "g1",
      epoch: 1,
      payload: utf8("remove"),
      ref: utf8("ref"),
      removedDeviceId: "bob-1",
      serverTime: T0 + 3,
    });
    expect(proposed.kind).toBe("appended");
    expect(
      (
        await store.appendMessage(
          message("g1", { address: "alice@test", deviceId: "alice-1" }, "m2", { epoch: 1 }),
        )
      ).kind,
    ).toBe("proposals_pending");
    expect(
      await store.createLink({
        code: "CODE",
        deviceId: "alice-3",
        signatureKey: signatureKey(4),
        hpkePublicKey: utf8("hpke"),
        deviceName: "tablet",
        createdAt: T0,
        expiresAt: T0 + 100,
      }),
    ).toBe("created");
    expect(
      (await store.hubSigningKey({ publicKey: utf8("pub"), privateKey: utf8("priv") })).publicKey,
    ).toEqual(utf8("pub"));
  });

  it("[ST21] migration 5 counts each device's stored application messages toward its quota, and pruning works", async () => {
    const store = open(previousReleaseFile());
    // alice-1 sent "hello" (5 bytes) and a commit, which does not count.
    expect(await store.queuedBytes("alice-1")).toBe(5);
    expect(await store.queuedBytes("bob-1")).toBe(0);
    expect(await store.getMembership("g1", "bob-1")).toEqual({ joinedSeq: 2 });
    // Both members have acknowledged seq 1 (cursors 1 and 2).
    const pruned = await store.pruneLog(
      { ackedBefore: T0 + 10, expiredBefore: T0 },
      { after: "", conversations: 10, entries: 10 },
    );
    expect(pruned).toEqual({ deleted: 1, next: undefined });
    expect(await store.queuedBytes("alice-1")).toBe(0);
    expect(await store.getMembership("g1", "bob-1")).toEqual({ joinedSeq: 2, prunedSeq: 1 });
  });

  it("[ST21] [ST28] a welcome stored inline before the upgrade reads and acks as before, beside a shared one", async () => {
    const store = open(previousReleaseFile());
    await store.createAccount(
      { address: "carol@test", app: "test", displayName: "Carol", createdAt: T0 },
      { id: "carol-1", signatureKey: signatureKey(5), createdAt: T0 },
    );
    const added = await store.commit({
      conversationId: "g1",
      senderDeviceId: "alice-1",
      senderAddress: "alice@test",
      clientMessageId: "c2",
      payload: utf8("commit 2"),
      epoch: 1,
      serverTime: T0 + 4,
      groupInfo: utf8("gi2"),
      membership: delta({ addedDevices: ["carol-1"], addedAccounts: ["carol@test"] }),
      welcome: utf8("shared welcome"),
    });
    expect(added.kind).toBe("committed");
    expect(await store.countStoredWelcomes()).toBe(1);
    const [old] = await store.readInbox("bob-1", 0, 10);
    expectBytes(old?.payload, utf8("welcome"));
    await store.ackInbox("bob-1", old!.id);
    expect(await store.readInbox("bob-1", 0, 10)).toEqual([]);
    expect(await store.countStoredWelcomes()).toBe(1);
    const [shared] = await store.readInbox("carol-1", 0, 10);
    expectBytes(shared?.payload, utf8("shared welcome"));
    await store.ackInbox("carol-1", shared!.id);
    expect(await store.countStoredWelcomes()).toBe(0);
  });

  it("[ST21] the migrated file is at the current version and passes SQLite's own checks", async () => {
    const file = previousReleaseFile();
    await open(file).close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.pragma("foreign_key_check")).toEqual([]);
      const indexes = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
        .pluck()
        .all();
      expect(indexes).toEqual(expect.arrayContaining(["inbox_by_device"]));
      // Migration 11: retries are found in memory (ST65), not by an index on the client id.
      expect(indexes).not.toContain("log_idempotency");
      // Migration 3: the log is a rowid table with (conversation_id, seq) as a unique index.
      const logSql = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'log'").pluck().get() as string;
      expect(logSql).not.toMatch(/WITHOUT ROWID/i);
      expect(logSql).toMatch(/UNIQUE \(conversation_id, seq\)/);
    } finally {
      db.close();
    }
  });
});
