import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BatchOutcome } from "../../src/store/algorithms/append.js";
import { AppendQueue } from "../../src/store/appendQueue.js";
import { windowWait, type CommitWindow } from "../../src/store/commitWindow.js";
import type { AppendResult, NewMessage } from "../../src/store/port.js";

const window: CommitWindow = { ms: 4, fullAt: 10, loadedAt: 2 };

describe("the commit window's rule (commitWindow.ts, SPEC ST66)", () => {
  /** The last batch started at 100 ms with `lastSize`; `backlog` arrived while it was in flight. */
  const after = (backlog: number, lastSize: number, waiting: number, now: number) =>
    windowWait(window, { lastStart: 100, lastSize, backlog, waiting, now });

  it("[ST66] does not hold a batch when little arrived while the last was in flight: a quiet hub writes at once", () => {
    expect(after(1, 50, 1, 101)).toBeLessThanOrEqual(0);
    // However large the last batch was: the window must not keep itself on.
    expect(after(0, 100, 1, 101)).toBeLessThanOrEqual(0);
  });

  it("[ST66] under load, waits out what is left of the window", () => {
    expect(after(2, 50, 2, 101)).toBe(3);
    expect(after(9, 50, 9, 103.5)).toBe(0.5);
    expect(after(9, 50, 9, 104)).toBeLessThanOrEqual(0);
  });

  it("[ST66] lets a full batch go at once", () => {
    expect(after(5, 50, 10, 101)).toBeLessThanOrEqual(0);
  });

  it("[ST66] ends the window once as many wait as the batch before carried (a closed loop is back)", () => {
    expect(after(2, 5, 4, 101)).toBe(3);
    expect(after(2, 5, 5, 101)).toBeLessThanOrEqual(0);
  });
});

/** A store whose batches the test completes by hand. */
function harness() {
  const batches: { messages: NewMessage[]; done: (outcomes: BatchOutcome[]) => void }[] = [];
  const queue = new AppendQueue(
    (messages) =>
      new Promise<BatchOutcome[]>((resolve) => {
        batches.push({ messages, done: resolve });
      }),
    { window, now: () => Date.now() },
  );
  const send = (id: string): Promise<AppendResult> =>
    queue.submit({
      conversationId: "c1",
      senderDeviceId: "d1",
      senderAddress: "a@example.com",
      clientMessageId: id,
      payload: new Uint8Array(1),
      epoch: 0,
      serverTime: 0,
    });
  const complete = async (index: number) => {
    const batch = batches[index]!;
    batch.done(batch.messages.map(() => ({ ok: true, value: { kind: "duplicate" } }) as BatchOutcome));
    // Let the queue's `finally` run and decide on the next batch.
    await vi.advanceTimersByTimeAsync(0);
  };
  return { queue, batches, send, complete };
}

describe("the append queue under the commit window (SPEC ST66)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A first batch of `ids`, with `during` submitted while it is in flight, then completed. */
  async function loaded(h: ReturnType<typeof harness>, ids: string[], during: string[]) {
    for (const id of ids) void h.send(id);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    for (const id of during) void h.send(id);
    await h.complete(0);
  }

  it("[ST66] writes a lone message at once and the next one too, when batches are light", async () => {
    const { batches, send, complete } = harness();
    void send("m1");
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1);
    void send("m2");
    await complete(0);
    expect(batches.map((b) => b.messages.length)).toEqual([1, 1]);
  });

  it("[ST66] after a large batch with nothing arriving meanwhile, the next message goes at once", async () => {
    const h = harness();
    await loaded(h, ["a", "b", "c", "d", "e"], []);
    void h.send("f");
    await vi.advanceTimersByTimeAsync(0);
    expect(h.batches.map((b) => b.messages.length)).toEqual([5, 1]);
  });

  it("[ST66] under load, gathers what arrives within the window into one batch", async () => {
    const h = harness();
    await loaded(h, ["a", "b", "c"], ["d", "e"]);
    // 1 ms after the last batch started, with 2 arrived meanwhile: the next waits out the other 3.
    expect(h.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(h.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.batches.map((b) => b.messages.map((m) => m.clientMessageId))).toEqual([
      ["a", "b", "c"],
      ["d", "e"],
    ]);
  });

  it("[ST66] sends a batch early once it is full", async () => {
    const h = harness();
    const first = Array.from({ length: 12 }, (_, i) => `first${i}`);
    await loaded(h, first, ["m0", "m1"]);
    for (let i = 2; i < window.fullAt - 1; i++) void h.send(`m${i}`);
    expect(h.batches).toHaveLength(1);
    void h.send("last");
    expect(h.batches).toHaveLength(2);
    expect(h.batches[1]!.messages).toHaveLength(window.fullAt);
  });

  it("[ST66] sends a batch early once as many wait as the one before carried", async () => {
    const h = harness();
    await loaded(h, ["a", "b", "c", "d"], ["e", "f"]);
    void h.send("g");
    expect(h.batches).toHaveLength(1);
    void h.send("h");
    expect(h.batches.map((b) => b.messages.length)).toEqual([4, 4]);
  });

  it("[ST66] writes what waits in the window when the store closes", async () => {
    const h = harness();
    await loaded(h, ["a", "b", "c"], ["d", "e"]);
    expect(h.batches).toHaveLength(1);
    const closed = h.queue.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.batches.map((b) => b.messages.length)).toEqual([3, 2]);
    await h.complete(1);
    await closed;
  });
});
