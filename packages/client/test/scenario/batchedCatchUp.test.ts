/**
 * [WB24] A fetched backlog is stored in batches: its new messages join one
 * write with the group state and position after them, and a reaction or an
 * edit in the same page still finds the message it is about.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_BATCH } from "../../src/conversations/appliedBatch.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { LocalStore, LocalWrite } from "../../src/store/port.js";
import { eventually, newClient, newDevice, startTestHub, type TestHub } from "./harness.js";

/** A memory store that records every batch written to it. */
function recordingStore(): { store: LocalStore; batches: LocalWrite[][] } {
  const inner = createMemoryStore();
  const batches: LocalWrite[][] = [];
  const store: LocalStore = new Proxy(inner, {
    get(target, name, receiver) {
      if (name === "write")
        return async (writes: LocalWrite[]) => {
          await target.write(writes);
          batches.push(writes);
        };
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, batches };
}

describe("batched catch-up", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[WB24] a backlog is stored a batch at a time, each message with the state and position after it; a reaction and an edit in the same page apply", async () => {
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const { store, batches } = recordingStore();
    const bob = await newClient({ store });
    await bob.client.register(hub.hub.url, "bob@instagram", "bob");
    await bob.client.connect();
    const conversation = await alice.client.openDirect("bob@instagram");
    await eventually(async () => (await bob.client.conversations()).length === 1, "bob to join");
    bob.client.disconnect();

    const count = 2 * MAX_BATCH + 6;
    const sent: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const text = `backlog ${i}`;
      ids.push((await alice.client.sendText(conversation, text)).id);
      sent.push(text);
    }
    await alice.client.react(conversation, ids[3]!, "👍");
    await alice.client.edit(conversation, ids[5]!, "backlog 5, edited");
    await alice.client.sendText(conversation, "after the changes");
    batches.length = 0;

    await bob.client.connect();
    await eventually(() => bob.received.length === count + 1, "bob to catch up");
    expect(bob.received.map((m) => m.text)).toEqual([...sent, "after the changes"]);
    await eventually(
      async () => (await store.getMessage(conversation, ids[5]!))?.text === "backlog 5, edited",
      "the edit to apply",
    );
    expect((await bob.client.reactions(conversation, ids[3]!)).map((r) => r.emoji)).toEqual(["👍"]);

    // The backlog's messages came in a few writes, not one each: each held at most MAX_BATCH,
    // with the conversation at the position of its last message (state and messages together).
    const withMessages = batches.filter((b) => b.some((w) => w.kind === "putMessage"));
    expect(withMessages.length).toBeLessThanOrEqual(Math.ceil(count / MAX_BATCH) + 2);
    for (const batch of withMessages) {
      const seqs = batch.flatMap((w) =>
        w.kind === "putMessage" && w.message.seq !== null ? [w.message.seq] : [],
      );
      expect(seqs.length).toBeLessThanOrEqual(MAX_BATCH);
      const positions = batch.flatMap((w) =>
        w.kind === "putConversation" ? [w.conversation.appliedSeq] : [],
      );
      expect(positions).toHaveLength(1);
      expect(positions[0]).toBeGreaterThanOrEqual(Math.max(...seqs));
    }
    // What is stored reads back: a fresh sync finds nothing new, and every message is there once.
    await bob.client.sync();
    expect(bob.received).toHaveLength(count + 1);
    expect(await bob.client.messages(conversation, { limit: 500 })).toHaveLength(count + 1);
    expect(bob.errors).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });
});
