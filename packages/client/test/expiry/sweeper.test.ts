/** [XP5] the sweeper deletes what is due by the injected clock, with reactions and search entries, and scrubs. */
import { describe, expect, it } from "vitest";
import { SerialQueue } from "../../src/conversations/serialQueue.js";
import { ExpirySweeper, type SweeperTimers } from "../../src/expiry/sweeper.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { LocalMessage } from "../../src/store/port.js";
import { conversation, message } from "../store/fixtures.js";

async function setUp() {
  const store = createMemoryStore();
  await store.write([
    { kind: "putConversation", conversation: conversation("c1") },
    { kind: "putMessage", message: message("c1", "soon", { seq: 1, text: "soon gone", expiresAt: 1_000 }) },
    { kind: "putMessage", message: message("c1", "later", { seq: 2, text: "later gone", expiresAt: 5_000 }) },
    { kind: "putMessage", message: message("c1", "kept", { seq: 3, text: "kept forever" }) },
    {
      kind: "putReaction",
      reaction: {
        conversationId: "c1",
        messageId: "soon",
        senderAddress: "a@instagram",
        emoji: "👍",
        reactionId: "r",
        at: 1,
      },
    },
  ]);
  let scrubs = 0;
  const scrub = store.scrub.bind(store);
  store.scrub = async () => {
    scrubs++;
    await scrub();
  };
  let now = 0;
  const expired: LocalMessage[] = [];
  const pending: { run: () => void; ms: number }[] = [];
  const timers: SweeperTimers = {
    setTimeout: (run, ms) => {
      const t = { run, ms };
      pending.push(t);
      return t;
    },
    clearTimeout: (t) => void pending.splice(pending.indexOf(t as (typeof pending)[number]), 1),
  };
  const sweeper = new ExpirySweeper(
    {
      store,
      queue: new SerialQueue(),
      clock: () => now,
      expired: (m) => expired.push(m),
      onError: (err) => {
        throw err;
      },
    },
    timers,
  );
  return {
    store,
    sweeper,
    expired,
    pending,
    scrubs: () => scrubs,
    at: (t: number) => {
      now = t;
    },
  };
}

describe("expiry sweeper", () => {
  it("[XP5] deletes only what is due, with its reactions and search entry, then scrubs once", async () => {
    const s = await setUp();
    s.at(999);
    expect(await s.sweeper.sweep()).toBe(0);
    expect(s.scrubs()).toBe(0);
    s.at(1_000);
    expect(await s.sweeper.sweep()).toBe(1);
    expect(s.expired.map((m) => m.id)).toEqual(["soon"]);
    expect(await s.store.getMessage("c1", "soon")).toBeUndefined();
    expect(await s.store.listReactions("c1", "soon")).toEqual([]);
    expect(await s.store.searchMessages("gone")).toHaveLength(1);
    expect(s.scrubs()).toBe(1);
    s.at(10_000);
    expect(await s.sweeper.sweep()).toBe(1);
    expect((await s.store.listMessages("c1")).map((m) => m.id)).toEqual(["kept"]);
  });

  it("[XP5] started, it looks again when the next message is due (at most a minute later)", async () => {
    const s = await setUp();
    s.sweeper.start();
    expect(s.pending.map((t) => t.ms)).toEqual([0]);
    s.at(500);
    s.pending.shift()!.run();
    await new Promise((r) => setTimeout(r, 10));
    expect(s.pending.map((t) => t.ms)).toEqual([500]);
    s.at(1_000);
    s.pending.shift()!.run();
    await new Promise((r) => setTimeout(r, 10));
    expect(s.expired.map((m) => m.id)).toEqual(["soon"]);
    expect(s.pending.map((t) => t.ms)).toEqual([4_000]);
    s.sweeper.stop();
    expect(s.pending).toEqual([]);
  });
});
