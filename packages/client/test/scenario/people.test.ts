/**
 * People across three apps (SPEC PP): display names travel end to end,
 * a stranger's first conversation toward an app that takes requests lands
 * in requests, and blocking stops a person at the hub without telling them.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_APPS } from "@switchboard/server";
import { eventually, newClient, startTestHub, texts, type TestDevice, type TestHub } from "./harness.js";

/** instagram takes message requests from other apps; messenger and whatsapp are open. */
const APPS = DEMO_APPS.map((app) => (app.id === "instagram" ? { ...app, reach: "requests" as const } : app));

async function person(server: string, address: string, name: string): Promise<TestDevice> {
  const device = await newClient();
  await device.client.register(server, address, name);
  await device.client.connect();
  return device;
}

describe("people", () => {
  let hub: TestHub;
  const open: TestDevice[] = [];
  beforeEach(async () => {
    hub = await startTestHub({ apps: APPS });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.client.close()));
    await hub.close();
  });
  const join = async (address: string, name: string) => {
    const device = await person(hub.hub.url, address, name);
    open.push(device);
    return device;
  };

  it("[PP2] names travel inside the conversation, both ways, and a new name reaches everyone", async () => {
    const alice = await join("alice@example.com@messenger", "Alice");
    const bob = await join("+14155550100@whatsapp", "Bob");
    const sent = await alice.client.sendText("+14155550100@whatsapp", "hi bob");
    await eventually(() => bob.received.length === 1, "bob to get the message");
    await eventually(
      async () => (await bob.client.people.nameOf("alice@example.com@messenger")) === "Alice",
      "bob to learn alice's name",
    );
    // Bob's name comes with his first text.
    expect(await alice.client.people.nameOf("+14155550100@whatsapp")).toBeUndefined();
    await bob.client.sendText(sent.conversationId, "hi alice");
    await eventually(
      async () => (await alice.client.people.nameOf("+14155550100@whatsapp")) === "Bob",
      "alice to learn bob's name",
    );
    await alice.client.people.setName("Alice Liddell");
    await eventually(
      async () => (await bob.client.people.displayName("alice@example.com@messenger")) === "Alice Liddell",
      "bob to see alice's new name",
    );
    // The hub never saw a name: the directory answers addresses only.
    expect(hub.logs()).not.toContain("Alice Liddell");
    expect(await alice.client.people.isPendingRequest(sent.conversationId)).toBe(false);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it("[PP3] [PP4] a stranger from another app lands in requests; accepting shares the name back", async () => {
    const carol = await join("carol@instagram", "Carol");
    const alice = await join("alice@example.com@messenger", "Alice");
    const sent = await alice.client.sendText("carol@instagram", "hello carol, it's alice");
    await eventually(
      async () => (await carol.client.people.requests())[0]?.preview === "hello carol, it's alice",
      "carol to get a request with its message",
    );
    const [request] = await carol.client.people.requests();
    expect(request).toMatchObject({
      conversationId: sent.conversationId,
      from: "alice@example.com@messenger",
      fromName: "Alice",
      preview: "hello carol, it's alice",
    });
    expect(await carol.client.people.isPendingRequest(sent.conversationId)).toBe(true);
    // Pending: carol shared nothing, so alice does not know her name yet.
    expect(await alice.client.people.nameOf("carol@instagram")).toBeUndefined();
    await carol.client.people.accept(sent.conversationId);
    expect(await carol.client.people.isPendingRequest(sent.conversationId)).toBe(false);
    expect(await carol.client.people.requests()).toEqual([]);
    await eventually(
      async () => (await alice.client.people.nameOf("carol@instagram")) === "Carol",
      "alice to learn carol's name once accepted",
    );
    // Someone on carol's own app is not a request.
    const dan = await join("dan@instagram", "Dan");
    const fromDan = await dan.client.sendText("carol@instagram", "hi from dan");
    await eventually(
      () => texts(carol.received, fromDan.conversationId).length === 1,
      "carol to get dan's message",
    );
    expect(await carol.client.people.isPendingRequest(fromDan.conversationId)).toBe(false);
  });

  it("[PP4] a request shows on both of the recipient's devices; declined on one, it is gone from both", async () => {
    const carol = await join("carol@instagram", "Carol");
    const laptop = await newClient();
    open.push(laptop);
    const pending = await laptop.client.beginLink(hub.hub.url, "laptop");
    await Promise.all([carol.client.approveDevice(pending.code, { history: "none" }), pending.approved]);
    await laptop.client.connect();
    const alice = await join("alice@example.com@messenger", "Alice");
    const sent = await alice.client.sendText("carol@instagram", "hello both");
    for (const d of [carol, laptop])
      await eventually(
        async () => (await d.client.people.requests())[0]?.preview === "hello both",
        "the request on each device",
      );
    await laptop.client.people.decline(sent.conversationId);
    await eventually(
      async () => (await carol.client.people.requests()).length === 0,
      "the phone to drop the request",
    );
    expect(await carol.client.messages(sent.conversationId)).toEqual([]);
    expect(await carol.client.people.inChats(sent.conversationId)).toBe(false);
    // Alice is not blocked: when she writes again, it is a request again, on both devices.
    expect(await carol.client.people.blocked()).toEqual([]);
    await alice.client.sendText(sent.conversationId, "sorry, one more thing");
    for (const d of [carol, laptop])
      await eventually(
        async () => (await d.client.people.requests())[0]?.preview === "sorry, one more thing",
        "the request again",
      );
    expect((await carol.client.messages(sent.conversationId)).map((m) => m.text)).toEqual([
      "sorry, one more thing",
    ]);
  });

  it("[PP4] accepted on one device, accepted on the other", async () => {
    const carol = await join("carol@instagram", "Carol");
    const laptop = await newClient();
    open.push(laptop);
    const pending = await laptop.client.beginLink(hub.hub.url, "laptop");
    await Promise.all([carol.client.approveDevice(pending.code, { history: "none" }), pending.approved]);
    await laptop.client.connect();
    const alice = await join("alice@example.com@messenger", "Alice");
    const sent = await alice.client.sendText("carol@instagram", "hello both");
    for (const d of [carol, laptop])
      await eventually(
        async () => (await d.client.people.requests()).length === 1,
        "the request on each device",
      );
    await carol.client.people.accept(sent.conversationId);
    await eventually(
      async () => !(await laptop.client.people.isPendingRequest(sent.conversationId)),
      "the laptop to see it accepted",
    );
  });

  it("[PP4] [PP6] [PP7] decline with block: the request is gone, and the sender is stopped at the hub, untold", async () => {
    const carol = await join("carol@instagram", "Carol");
    const eve = await join("+14155550199@whatsapp", "Eve");
    const first = await eve.client.sendText("carol@instagram", "buy my stuff");
    await eventually(
      async () => (await carol.client.people.requests()).length === 1,
      "carol to get a request",
    );
    await carol.client.people.decline(first.conversationId, { block: true });
    expect(await carol.client.people.requests()).toEqual([]);
    expect(await carol.client.messages(first.conversationId)).toEqual([]);
    expect(await carol.client.people.blocked()).toEqual([
      { address: "+14155550199@whatsapp", blockedAt: expect.any(Number) as number },
    ]);

    // Eve's next message in the direct conversation is taken and dropped: seq 0, never stored.
    const fromEve = async () =>
      (await hub.store.readLog(first.conversationId, 0, 100)).filter(
        (e) => e.kind === "application" && e.senderAddress === "+14155550199@whatsapp",
      ).length;
    const before = await fromEve();
    const dropped = await eve.client.sendText(first.conversationId, "are you there?");
    expect(dropped.seq).toBe(0);
    expect(await fromEve()).toBe(before);
    // A new group with carol is made without her: her devices' claims come back empty,
    // as for an account whose devices have no key package ready.
    const group = await eve.client.createGroup("deals", ["carol@instagram"]);
    expect((await eve.client.conversations()).find((c) => c.id === group)?.participants).toEqual([
      "+14155550199@whatsapp",
    ]);

    // Unblocked, eve can reach her again: a new request.
    await carol.client.people.unblock("+1 415 555 0199@whatsapp");
    expect(await carol.client.people.blocked()).toEqual([]);
    await eve.client.addMembers(group, ["carol@instagram"]);
    await eventually(
      async () => (await carol.client.people.requests()).some((r) => r.conversationId === group),
      "a new request",
    );
  });

  it("[PP6] in a group they share, a blocked person's messages are not shown to the blocker; others still read them", async () => {
    const alice = await join("alice@example.com@messenger", "Alice");
    const carol = await join("carol@instagram", "Carol");
    const eve = await join("+14155550199@whatsapp", "Eve");
    // alice is a stranger from another app: carol accepts the group first.
    const group = await alice.client.createGroup("Book club", ["carol@instagram", "+14155550199@whatsapp"]);
    await eventually(async () => await carol.client.people.isPendingRequest(group), "carol's request");
    await carol.client.people.accept(group);
    await carol.client.people.block("+14155550199@whatsapp");
    await eve.client.sendText(group, "from eve");
    await alice.client.sendText(group, "from alice");
    await eventually(() => texts(carol.received, group).includes("from alice"), "carol to get alice's");
    await eventually(() => texts(alice.received, group).includes("from eve"), "alice to get eve's");
    expect(texts(carol.received, group)).toEqual(["from alice"]);
    expect((await carol.client.messages(group)).map((m) => m.text)).toEqual(["from alice"]);
  });
});
