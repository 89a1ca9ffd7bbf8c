/**
 * [DS12] A device offline past the retention limit comes back to a log the
 * hub has pruned: it hears HISTORY_EXPIRED, rejoins by external commit, tells
 * its app what was lost, and reads new messages again. Time is the hub's
 * injected clock; the pruner runs when the test fires its timer.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProtocolError } from "@switchboard/protocol";
import type { PrunerTimers, StorageSettings } from "@switchboard/server";
import { eventually, newDevice, startTestHub, texts, type TestHub } from "./harness.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The pruner's interval, fired by hand. */
class ManualTimers implements PrunerTimers {
  private run: (() => void) | undefined;
  setInterval(run: () => void): { unref(): void } {
    this.run = run;
    return { unref() {} };
  }
  clearInterval(): void {
    this.run = undefined;
  }
  fire(): void {
    if (this.run === undefined) throw new Error("the pruner is not running");
    this.run();
  }
}

describe("retention", () => {
  let hub: TestHub;
  let now = Date.UTC(2026, 0, 1);
  const timers = new ManualTimers();
  const start = async (storage: Partial<StorageSettings> = {}) => {
    hub = await startTestHub({ clock: () => now, pruneTimers: timers, storage });
  };
  beforeEach(() => {
    now = Date.UTC(2026, 0, 1);
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DS12] a device offline past the retention limit gets HISTORY_EXPIRED, rejoins and reads new messages", async () => {
    await start();
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const expired: { conversationId: string; firstSeq: number; rejoinedAtSeq: number }[] = [];
    bob.client.events.on("historyExpired", (e) => expired.push(e));
    const conversation = await alice.client.openDirect("bob@instagram");
    await alice.client.sendText(conversation, "before");
    await eventually(() => texts(bob.received).includes("before"), "bob to get the first message");

    bob.client.disconnect();
    await alice.client.sendText(conversation, "while away 1");
    await alice.client.sendText(conversation, "while away 2");
    const head = (await hub.store.getConversation(conversation))!.lastSeq;

    // 31 days later the pruner drops everything, bob's unread messages too.
    now += 31 * DAY_MS;
    timers.fire();
    await eventually(async () => (await hub.store.readLog(conversation, 0, 10)).length === 0, "the pruner");
    expect((await hub.store.getConversation(conversation))!.lastSeq).toBe(head);
    await eventually(() => hub.logs().includes('"msg":"pruned"'), "the hub to log the pass");

    await bob.client.connect();
    await eventually(() => expired.length === 1, "bob to rejoin");
    expect(expired[0]).toMatchObject({ conversationId: conversation, firstSeq: head + 1 });
    expect(expired[0]!.rejoinedAtSeq).toBeGreaterThan(head);
    expect(texts(bob.received)).toEqual(["before"]);

    // Both sides talk again at the new epoch.
    await alice.client.sendText(conversation, "after");
    await eventually(() => texts(bob.received).includes("after"), "bob to read new messages");
    await bob.client.sendText(conversation, "back");
    await eventually(() => texts(alice.received).includes("back"), "alice to read bob again");
    expect(texts(bob.received)).toEqual(["before", "after"]);
    expect(bob.errors).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it("[DS11] a device over its quota is refused with QUOTA_EXCEEDED and nothing is stored; pruning frees it", async () => {
    await start({ maxQueuedBytesPerDevice: 4000, pruneGraceMs: 60_000 });
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const conversation = await alice.client.openDirect("bob@instagram");
    let refused: unknown;
    let sent = 0;
    for (; sent < 100; sent++) {
      try {
        await alice.client.sendText(conversation, `message ${sent} `.padEnd(300, "."));
      } catch (err) {
        refused = err;
        break;
      }
    }
    expect(refused).toBeInstanceOf(ProtocolError);
    expect((refused as ProtocolError).code).toBe("QUOTA_EXCEEDED");
    expect(sent).toBeGreaterThan(3);
    const head = (await hub.store.getConversation(conversation))!.lastSeq;
    const queued = await hub.store.queuedBytes(alice.client.deviceId);
    expect(queued).toBeLessThanOrEqual(4000);
    // Bob reads and acknowledges everything; after the grace period the pruner frees alice's quota.
    await eventually(() => bob.received.length === sent, "bob to read what was stored");
    await bob.client.sync();
    now += 2 * 60_000;
    // Alice acknowledges her own messages too (a burst of sends, one ack): once it is in, a pruner pass frees her quota.
    await eventually(async () => {
      timers.fire();
      return (await hub.store.queuedBytes(alice.client.deviceId)) < queued;
    }, "the pruner, once alice acknowledged her own messages");
    expect((await hub.store.getConversation(conversation))!.lastSeq).toBe(head);
    // The refused message was kept in alice's outbox: it goes out with the next one.
    await alice.client.sendText(conversation, "after the prune");
    await eventually(() => texts(bob.received).includes("after the prune"), "bob to read again");
    expect(texts(bob.received)).toContain(`message ${sent} `.padEnd(300, "."));
    await Promise.all([alice.client.close(), bob.client.close()]);
  });
});
