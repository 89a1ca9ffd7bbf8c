/** [DS4] A device that was offline gets everything after its cursor, in order, exactly once. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, newDevice, startTestHub, type TestHub } from "./harness.js";

describe("offline catch-up", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DS4] a recipient offline while 1,000 messages are sent gets all of them, in order, exactly once", async () => {
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const conversation = await alice.client.openDirect("bob@instagram");
    await alice.client.sendText(conversation, "warm-up");
    await eventually(() => bob.received.length === 1, "bob to get the warm-up");

    bob.client.disconnect();
    const sent: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const text = `message ${i}`;
      await alice.client.sendText(conversation, text);
      sent.push(text);
    }
    expect(bob.received).toHaveLength(1);

    await bob.client.connect();
    await eventually(() => bob.received.length >= 1001, "bob to catch up", 60_000);
    const got = bob.received.slice(1).map((m) => m.text);
    expect(got).toEqual(sent);
    const seqs = bob.received.map((m) => m.seq!);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // A second sync finds nothing new: nothing is shown twice.
    await bob.client.sync();
    expect(bob.received).toHaveLength(1001);
    expect(await bob.client.messages(conversation, { limit: 5000 })).toHaveLength(1001);
    expect(bob.errors).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it("[DS4] a backlog of large messages comes in pages that fit a frame", async () => {
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const conversation = await alice.client.openDirect("bob@instagram");
    await eventually(async () => (await bob.client.conversations()).length === 1, "bob to join");
    bob.client.disconnect();
    // Eight messages of ~200 KB: together far over one frame (1 MiB).
    const sent: string[] = [];
    for (let i = 0; i < 8; i++) {
      const text = `${i}:`.padEnd(200_000, String.fromCharCode(97 + i));
      await alice.client.sendText(conversation, text);
      sent.push(text);
    }
    await bob.client.connect();
    await eventually(() => bob.received.length === 8, "bob to get every large message");
    expect(bob.received.map((m) => m.text)).toEqual(sent);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });
});
