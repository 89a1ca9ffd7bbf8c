/**
 * [DS4] The hub does not push a device's own application message back to it:
 * the ack carries the seq, and the SDK counts the entry as applied once
 * everything before it is. What the device must still see (the other side's
 * messages, in order, with no refetch) is checked on the wire.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeClientFrame, decodeServerFrame } from "@switchboard/protocol";
import type { Transport } from "../../src/transport/port.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import { eventually, newClient, newDevice, PushGate, startTestHub, texts, type TestHub } from "./harness.js";

const ALICE = "alice@instagram";
const BOB = "+14155550100@whatsapp";

/** What a device's connection carried: the entries pushed to it and the fetches it asked for. */
class WireLog {
  readonly pushedEntries: { seq: number; senderDeviceId: string }[] = [];
  fetches = 0;

  wrap(inner: Transport): Transport {
    return {
      connect: async (handlers) => {
        const connection = await inner.connect({
          onClose: (reason) => handlers.onClose(reason),
          onMessage: (bytes) => {
            const frame = decodeServerFrame(bytes);
            if (
              frame.ok &&
              frame.value.body.case === "push" &&
              frame.value.body.value.body.case === "entry"
            ) {
              const entry = frame.value.body.value.body.value;
              this.pushedEntries.push({ seq: Number(entry.seq), senderDeviceId: entry.senderDeviceId });
            }
            handlers.onMessage(bytes);
          },
        });
        return {
          send: (bytes) => {
            const frame = decodeClientFrame(bytes);
            if (frame.ok && frame.value.body.case === "request" && frame.value.body.value.op.case === "fetch")
              this.fetches++;
            connection.send(bytes);
          },
          close: () => connection.close(),
        };
      },
    };
  }
}

describe("a device's own messages", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DS4] are not pushed back to it; its position moves on with the ack, so replies apply without a fetch", async () => {
    const wire = new WireLog();
    const alice = await newClient({ transport: (url) => wire.wrap(createWebSocketTransport(url)) });
    await alice.client.register(hub.hub.url, ALICE, ALICE);
    await alice.client.connect();
    const bob = await newDevice(hub.hub.url, BOB);

    const one = await alice.client.sendText(BOB, "one");
    const conversation = one.conversationId;
    const sent = [one, await alice.client.sendText(conversation, "two")];
    sent.push(await alice.client.sendText(conversation, "three"));
    await eventually(() => texts(bob.received, conversation).length === 3, "bob to get three messages");
    const fetchesBefore = wire.fetches;

    const reply = await bob.client.sendText(conversation, "got them");
    await eventually(
      () => texts(alice.received, conversation).includes("got them"),
      "alice to get the reply",
    );

    const pushedSeqs = wire.pushedEntries.map((e) => e.seq);
    for (const m of sent) expect(pushedSeqs).not.toContain(m.seq);
    expect(pushedSeqs).toContain(reply.seq);
    expect(wire.fetches).toBe(fetchesBefore);
    const stored = (await alice.store.getConversation(conversation))!;
    expect(stored.appliedSeq).toBe(reply.seq);
    expect((await alice.client.messages(conversation)).map((m) => m.text)).toEqual([
      "one",
      "two",
      "three",
      "got them",
    ]);
    expect(alice.errors).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it("[DS4] an own message acknowledged before an earlier entry arrives is passed once that entry is applied", async () => {
    const gate = new PushGate();
    const alice = await newDevice(hub.hub.url, ALICE, { gate });
    const bob = await newDevice(hub.hub.url, BOB);
    const conversation = (await alice.client.sendText(BOB, "hello")).conversationId;
    await eventually(() => texts(bob.received, conversation).length === 1, "bob to get hello");

    // Bob's message is on its way to alice (held back) when alice's own is acknowledged.
    gate.held = true;
    const fromBob = await bob.client.sendText(conversation, "from bob");
    const fromAlice = await alice.client.sendText(conversation, "from alice");
    expect(fromAlice.seq).toBe(fromBob.seq! + 1);
    expect((await alice.store.getConversation(conversation))!.appliedSeq).toBe(fromBob.seq! - 1);

    gate.release();
    await eventually(() => texts(alice.received, conversation).includes("from bob"), "alice to get bob's");
    await eventually(
      async () => (await alice.store.getConversation(conversation))!.appliedSeq === fromAlice.seq,
      "alice's position to pass her own message",
    );
    const more = await bob.client.sendText(conversation, "and again");
    await eventually(() => texts(alice.received, conversation).includes("and again"), "alice to get it");
    expect((await alice.client.messages(conversation)).map((m) => m.text)).toEqual([
      "hello",
      "from bob",
      "from alice",
      "and again",
    ]);
    expect((await alice.store.getConversation(conversation))!.appliedSeq).toBe(more.seq);
    expect(alice.errors).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });
});
