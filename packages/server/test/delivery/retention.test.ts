import { afterEach, describe, expect, it, vi } from "vitest";
import { Pruner } from "../../src/delivery/pruner.js";
import { DEFAULT_STORAGE_SETTINGS, pruneCut, storageSettings } from "../../src/delivery/retention.js";
import type { PruneCut, PruneLogPage, PruneLogResult, Store } from "../../src/store/port.js";
import { prunablePrefix } from "../../src/store/prune.js";

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;

describe("retention policy", () => {
  it("[DS12] defaults: acknowledged entries after 24 h, everything after 30 days", () => {
    expect(pruneCut(NOW, DEFAULT_STORAGE_SETTINGS)).toEqual({
      ackedBefore: NOW - DAY,
      expiredBefore: NOW - 30 * DAY,
    });
  });

  it("[DS12] the grace period never outlasts the retention limit", () => {
    expect(pruneCut(NOW, { pruneGraceMs: 10 * DAY, retentionMs: 2 * DAY })).toEqual({
      ackedBefore: NOW - 2 * DAY,
      expiredBefore: NOW - 2 * DAY,
    });
  });

  it("settings are completed from the defaults and must be positive integers", () => {
    expect(storageSettings({ retentionMs: 7 * DAY })).toEqual({
      ...DEFAULT_STORAGE_SETTINGS,
      retentionMs: 7 * DAY,
    });
    expect(() => storageSettings({ pruneIntervalMs: 0 })).toThrow(/pruneIntervalMs/);
    expect(() => storageSettings({ maxQueuedBytesPerDevice: 1.5 })).toThrow(/maxQueuedBytesPerDevice/);
  });

  it("[ST26] only the oldest run goes: one entry that must stay keeps every later one", () => {
    const cut: PruneCut = { ackedBefore: 100, expiredBefore: 10 };
    const at = (seq: number, serverTime: number) => ({ seq, serverTime });
    // Acknowledged up to 3 by every member; entry 3 is too young.
    expect(prunablePrefix([at(1, 50), at(2, 60), at(3, 150), at(4, 60)], 4, cut)).toBe(2);
    // Unacknowledged but past retention.
    expect(prunablePrefix([at(1, 5), at(2, 9), at(3, 11)], 0, cut)).toBe(2);
    // Acknowledged and old enough, but the slowest member is at 1.
    expect(prunablePrefix([at(1, 50), at(2, 50)], 1, cut)).toBe(1);
    // No member left: nobody will read it.
    expect(prunablePrefix([at(1, 50), at(2, 50)], null, cut)).toBe(2);
    expect(prunablePrefix([], 5, cut)).toBe(0);
  });
});

/** A store that answers pruning steps from a script and records what it was asked. */
function scriptedStore(steps: PruneLogResult[], inbox: number[], expired: number[] = []) {
  const asked: { cut: PruneCut; page: PruneLogPage }[] = [];
  const expiredAsked: { now: number; limit: number }[] = [];
  const store = {
    async pruneExpiredEntries(now: number, limit: number) {
      expiredAsked.push({ now, limit });
      return expired.shift() ?? 0;
    },
    async pruneLog(cut: PruneCut, page: PruneLogPage) {
      asked.push({ cut, page });
      const step = steps.shift();
      if (step === undefined) throw new Error("no more steps scripted");
      return step;
    },
    async pruneInbox() {
      return inbox.shift() ?? 0;
    },
  } as unknown as Store;
  return { store, asked, expiredAsked };
}

describe("the pruner", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("[DS12] a pass walks every step the store answers, then the inbox, with the cut of its clock", async () => {
    const { store, asked } = scriptedStore(
      [
        { deleted: 5, next: "c" },
        { deleted: 2, next: "f" },
        { deleted: 0, next: undefined },
      ],
      [1000, 3],
    );
    const settings = storageSettings({ pruneBatchEntries: 1000, pruneBatchConversations: 3 });
    const pruner = new Pruner(
      store,
      () => NOW,
      settings,
      (err) => {
        throw err;
      },
    );
    expect(await pruner.runOnce()).toEqual({ entries: 7, inboxItems: 1003, expiredEntries: 0 });
    expect(asked.map((a) => a.page.after)).toEqual(["", "c", "f"]);
    expect(asked[0]?.page).toEqual({ after: "", conversations: 3, entries: 1000 });
    expect(asked[0]?.cut).toEqual(pruneCut(NOW, settings));
  });

  it("[XP7] a pass first deletes disappearing messages due by its clock, in batches until a short one", async () => {
    const { store, expiredAsked } = scriptedStore([{ deleted: 0, next: undefined }], [], [10, 10, 4]);
    const pruner = new Pruner(
      store,
      () => NOW,
      storageSettings({ pruneBatchEntries: 10 }),
      (err) => {
        throw err;
      },
    );
    expect(await pruner.runOnce()).toEqual({ entries: 0, inboxItems: 0, expiredEntries: 24 });
    expect(expiredAsked).toEqual([
      { now: NOW, limit: 10 },
      { now: NOW, limit: 10 },
      { now: NOW, limit: 10 },
    ]);
  });

  it("runs every interval on unref'd timers, one pass at a time, and stops on stop()", async () => {
    vi.useFakeTimers();
    const { store, asked } = scriptedStore(
      Array.from({ length: 10 }, () => ({ deleted: 0, next: undefined })),
      [],
    );
    const unref = vi.fn();
    const handles: unknown[] = [];
    const timers = {
      setInterval: (run: () => void, ms: number) => {
        const handle = setInterval(run, ms);
        handles.push(handle);
        return { unref, handle };
      },
      clearInterval: (h: unknown) => clearInterval((h as { handle: NodeJS.Timeout }).handle),
    };
    const pruner = new Pruner(
      store,
      () => NOW,
      storageSettings({ pruneIntervalMs: 1000 }),
      () => {},
      timers,
    );
    pruner.start();
    expect(unref).toHaveBeenCalled();
    expect(asked).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(asked).toHaveLength(3);
    await pruner.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(asked).toHaveLength(3);
    expect(handles).toHaveLength(1);
  });

  it("reports a failed pass and runs again at the next interval", async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const store = {
      async pruneLog() {
        calls++;
        if (calls === 1) throw new Error("store down");
        return { deleted: 0, next: undefined };
      },
      async pruneInbox() {
        return 0;
      },
      async pruneExpiredEntries() {
        return 0;
      },
    } as unknown as Store;
    const pruner = new Pruner(
      store,
      () => NOW,
      storageSettings({ pruneIntervalMs: 1000 }),
      (e) => errors.push(e),
    );
    pruner.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
    await pruner.stop();
  });
});
