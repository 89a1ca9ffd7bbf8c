import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/index.js";
import type { GroupCommit } from "../../src/store/sqlite/groupCommit.js";
import { message, newAccount, newGroup, type TestAccount } from "./contract/fixtures.js";

/** About four WAL pages (4 KiB) per message, so a round of 1,500 passes the 4,096 frames at which the WAL starts over. */
const PAYLOAD = new Uint8Array(14_000).fill(7);
const ROUND = 1500;

describe("SqliteStore WAL checkpoints (walCheckpointer.ts)", () => {
  let dir: string;
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<{ store: SqliteStore; file: string; alice: TestAccount }> {
    dir = mkdtempSync(join(tmpdir(), "switchboard-wal-"));
    const file = join(dir, "store.db");
    store = openSqliteStore({ path: file });
    const alice = await newAccount(store, "alice");
    await newGroup(store, "g1", alice);
    return { store, file, alice };
  }

  async function writeRound(s: SqliteStore, alice: TestAccount, round: number): Promise<void> {
    const results = await Promise.all(
      Array.from({ length: ROUND }, (_, i) =>
        s.appendMessage(message("g1", alice, `r${round}-${i}`, PAYLOAD)),
      ),
    );
    expect(results.every((r) => r.kind === "appended")).toBe(true);
  }

  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it("copies the WAL into the database from its own thread and starts the WAL over, so it stays bounded", async () => {
    const { store: s, file, alice } = await open();
    const walSizes: number[] = [];
    for (let round = 0; round < 4; round++) {
      await writeRound(s, alice, round);
      const stats = await s.checkpointNow();
      expect(stats?.walFrames).toBeGreaterThanOrEqual(4096);
      await nextTurn(); // the finishing checkpoint, writes held
      walSizes.push(statSync(`${file}-wal`).size);
    }
    const stats = s.checkpoints()!;
    expect(stats.checkpoints).toBeGreaterThanOrEqual(4);
    // Each round ends quiet, so the worker copies every frame and the WAL starts over without a finish (ST61).
    // The pages are in the database file: 4 rounds of ~14 KB messages.
    expect(statSync(file).size).toBeGreaterThan(4 * ROUND * PAYLOAD.length);
    // Each round wrote the WAL from its start again, instead of growing it fourfold.
    expect(walSizes[3]!).toBeLessThanOrEqual(walSizes[0]! * 1.5);
  });

  it("[ST64] starts the WAL over under steady writes, which never leave it fully copied by themselves", async () => {
    const { store: s, file, alice } = await open();
    // One batch after another, each committed while the worker copies the
    // ones before: the WAL is never fully copied when the next one begins.
    // Before ST64 it grew by every batch (1,200 x ~4 frames = 19 MiB here,
    // and past 1 GiB at half the hub's load in the direct benchmark).
    let batch = 0;
    while (batch < 1200 && s.checkpoints()!.finishes === 0) {
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => s.appendMessage(message("g1", alice, `b${batch}-${i}`, PAYLOAD))),
      );
      expect(results.every((r) => r.kind === "appended")).toBe(true);
      batch++;
    }
    const stats = s.checkpoints()!;
    expect(stats.finishes).toBeGreaterThanOrEqual(1);
    // The finish held the writer, so the next write began the WAL again.
    await s.appendMessage(message("g1", alice, "after", PAYLOAD));
    expect((await s.checkpointNow())!.walFrames).toBeLessThan(4096);
    expect(statSync(`${file}-wal`).size).toBeLessThan(2 * 4096 * 4120);
  });

  it("keeps every acknowledged message across a close and reopen, and leaves no WAL behind", async () => {
    const { store: s, file, alice } = await open();
    await writeRound(s, alice, 0);
    await s.checkpointNow();
    await writeRound(s, alice, 1); // partly only in the WAL
    await s.close();
    // The checkpointer's connection closed first, so the writer's close was the last and removed the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false);
    store = openSqliteStore({ path: file });
    const entries = await store.readLog("g1", 0, 5000);
    expect(entries.length).toBe(2 * ROUND);
    expect(entries.at(-1)?.clientMessageId).toBe(`r1-${ROUND - 1}`);
  });

  it("[ST61] holds writes while the worker finishes a checkpoint, then runs what waited in one batch", async () => {
    const { store: s, alice } = await open();
    const writer = (s as unknown as { writer: GroupCommit }).writer;
    let release!: () => void;
    writer.holdWhile(new Promise<void>((resolve) => (release = resolve)));
    const before = s.stats().transactions;
    const waiting = Array.from({ length: 5 }, (_, i) => s.appendMessage(message("g1", alice, `held-${i}`)));
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(s.stats().transactions).toBe(before);
    release();
    const results = await Promise.all(waiting);
    expect(results.map((r) => r.kind)).toEqual(Array(5).fill("appended"));
    expect(s.stats().transactions).toBe(before + 1);
  });

  it("has no checkpointer for an in-memory store", async () => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-wal-"));
    store = openSqliteStore({ path: ":memory:" });
    expect(store.checkpoints()).toBeUndefined();
    expect(await store.checkpointNow()).toBeUndefined();
  });
});
