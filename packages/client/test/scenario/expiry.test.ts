/**
 * [XP1-XP8] Disappearing messages and search, with clients on three apps,
 * each on its own SQLite file, and a hub on its own: the timer is set by a
 * commit every member sees, each message carries its expiry, and once it is
 * past (an injected clock) every device deletes the message and its search
 * entry, the hub deletes its ciphertext, and the text is in no file on disk.
 */
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Pruner, storageSettings, type PrunerTimers } from "@switchboard/server";
import { openSqliteLocalStore } from "../../src/store/sqlite/open.js";
import type { TimerChange } from "../../src/expiry/disappearing.js";
import type { LocalMessage } from "../../src/store/port.js";
import { eventually, newClient, startTestHub, type TestDevice, type TestHub } from "./harness.js";

class ManualTimers implements PrunerTimers {
  setInterval(): { unref(): void } {
    return { unref() {} };
  }
  clearInterval(): void {}
}

/** Every file under `dir` whose raw bytes contain `marker` (UTF-8). */
function filesHolding(dir: string, marker: string): string[] {
  const needle = Buffer.from(marker, "utf8");
  const found: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (readFileSync(full).includes(needle)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

describe("disappearing messages and search", () => {
  let hub: TestHub;
  let dir: string;
  let now = Date.UTC(2026, 0, 1);
  const devices: TestDevice[] = [];

  const device = async (address: string) => {
    const d = await newClient({
      clock: () => now,
      store: openSqliteLocalStore(join(dir, address, "store.db")),
    });
    await d.client.register(hub.hub.url, address, address);
    await d.client.connect();
    devices.push(d);
    return d;
  };

  beforeEach(async () => {
    now = Date.UTC(2026, 0, 1);
    dir = mkdtempSync(join(tmpdir(), "switchboard-expiry-"));
    hub = await startTestHub({ clock: () => now, pruneTimers: new ManualTimers() });
  });
  afterEach(async () => {
    for (const d of devices.splice(0)) await d.client.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("[XP1][XP3][XP4][XP5][XP6][XP7][XP8] a timer set by one member expires a message on every device and on the hub, leaving its text in no file", async () => {
    const alice = await device("alice@instagram");
    const bob = await device("bob@example.com@messenger");
    const carol = await device("+14155550100@whatsapp");
    const timers: TimerChange[] = [];
    const expired: LocalMessage[] = [];
    for (const d of [bob, carol]) d.client.events.on("timer", (t) => timers.push(t));
    for (const d of [alice, bob, carol]) d.client.events.on("expired", (m) => expired.push(m));
    const group = await alice.client.createGroup("plans", [bob.client.address, carol.client.address]);
    await eventually(async () => (await carol.client.conversations()).length === 1, "carol to join");

    const change = await alice.client.expiry.setTimer(group, 300);
    expect(change).toMatchObject({ conversationId: group, by: "alice@instagram", seconds: 300 });
    expect(await alice.client.expiry.setTimer(group, 300)).toBeNull();
    await eventually(() => timers.length === 2, "bob and carol to see the timer change");
    expect(timers.map((t) => [t.by, t.seconds])).toEqual([
      ["alice@instagram", 300],
      ["alice@instagram", 300],
    ]);
    for (const d of [alice, bob, carol]) expect(await d.client.expiry.timer(group)).toBe(300);

    const untimed = async () =>
      (await hub.store.readLog(group, 0, 100)).filter((e) => e.kind === "application").map((e) => e.seq);
    const beforeTimer = await untimed(); // the group's title, sent before the timer was set
    const marker = "zebracrossing" + "4711";
    const sent = await alice.client.sendText(group, `meet at the ${marker} at noon`);
    expect(sent.expiresAt).toBe(sent.serverTime! + 300_000);
    const kept = await alice.client.sendText(group, "this one stays"); // also expiring: sent under the timer
    const edited = "okapi" + "4712";
    await alice.client.edit(group, sent.id, `meet at the ${marker} or the ${edited} at noon`);
    await eventually(() => bob.received.length === 2 && carol.received.length === 2, "both to receive");
    for (const d of [bob, carol]) expect(d.received[0]!.expiresAt).toBe(sent.expiresAt);
    for (const d of [alice, bob, carol])
      await eventually(
        async () => (await d.client.expiry.search(edited)).length === 1,
        "the edit everywhere",
      );
    for (const d of [alice, bob, carol])
      expect((await d.client.expiry.search(marker.slice(0, 8))).map((m) => m.id)).toEqual([sent.id]);
    expect((await hub.store.readLog(group, 0, 100)).some((e) => e.seq === sent.seq)).toBe(true);

    // A second before: nothing goes.
    now = sent.expiresAt! - 1000;
    for (const d of [alice, bob, carol]) expect(await d.client.expiry.sweep()).toBe(0);
    now = kept.expiresAt! + 1;
    for (const d of [alice, bob, carol]) expect(await d.client.expiry.sweep()).toBe(2);
    expect(expired.map((m) => m.id).sort()).toEqual(
      [sent.id, sent.id, sent.id, kept.id, kept.id, kept.id].sort(),
    );
    for (const d of [alice, bob, carol]) {
      expect(await d.client.messages(group)).toEqual([]);
      expect(await d.client.expiry.search(marker)).toEqual([]);
    }

    // The hub deletes the ciphertext at its expiry, commits stay.
    const pruner = new Pruner(
      hub.store,
      () => now,
      storageSettings(),
      (err) => {
        throw err;
      },
    );
    const run = await pruner.runOnce();
    expect(run.expiredEntries).toBe(3);
    // The edit's entry went with its target; what was sent before the timer, and commits, stay.
    // (Receipts carry no timer, and may land in the log at any point: compare what was there before.)
    const remaining = await untimed();
    expect(remaining).toEqual(expect.arrayContaining(beforeTimer));
    for (const gone of [sent.seq, kept.seq]) expect(remaining).not.toContain(gone);
    expect((await hub.store.readLog(group, 0, 100)).length).toBeGreaterThan(beforeTimer.length);

    // The text is in no file: clients' databases, WAL and SHM, open and after close; the hub's.
    for (const text of [marker, edited]) expect(filesHolding(dir, text)).toEqual([]);
    for (const d of devices.splice(0)) await d.client.close();
    for (const text of [marker, edited]) expect(filesHolding(dir, text)).toEqual([]);
    for (const text of [marker, edited]) expect(filesHolding(hub.dir, text)).toEqual([]);
  });

  it("[XP6][XP8] a message deleted for everyone, or for me, leaves search and every client file", async () => {
    const alice = await device("alice@instagram");
    const bob = await device("bob@example.com@messenger");
    const carol = await device("+14155550100@whatsapp");
    const group = await alice.client.createGroup("plans", [bob.client.address, carol.client.address]);
    await eventually(async () => (await carol.client.conversations()).length === 1, "carol to join");
    const everyone = "aardvark" + "9001";
    const mine = "bluewhale" + "9002";
    const gone = await alice.client.sendText(group, `the ${everyone} plan`);
    const forMe = await alice.client.sendText(group, `the ${mine} plan`);
    await eventually(() => bob.received.length === 2 && carol.received.length === 2, "both to receive");
    // One clock for all: both have the same time, so the order falls to their ids (XP8).
    expect((await bob.client.expiry.search("plan")).map((m) => m.id)).toEqual([forMe.id, gone.id].sort());

    const deletes: string[] = [];
    for (const d of [bob, carol]) d.client.events.on("delete", (e) => deletes.push(e.messageId));
    await alice.client.deleteForEveryone(group, gone.id);
    await eventually(() => deletes.length === 2, "bob and carol to apply the delete");
    for (const d of [alice, bob, carol]) await d.client.deleteForMe(group, forMe.id);
    for (const d of [alice, bob, carol]) {
      expect(await d.client.expiry.search("plan")).toEqual([]);
      expect((await d.client.messages(group)).map((m) => [m.id, m.deleted, m.text])).toEqual([
        [gone.id, true, ""],
      ]);
    }
    await eventually(() => filesHolding(dir, everyone).length === 0, "the scrub after the delete");
    expect(filesHolding(dir, mine)).toEqual([]);
  });
});
