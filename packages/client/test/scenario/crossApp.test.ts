/**
 * Cross-app conversations through one hub: direct chats both ways, a group
 * across three apps, and removal cutting a member off.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../src/mls/index.js";
import type { DeviceIdentity } from "../../src/mls/engine.js";
import { eventually, newDevice, startTestHub, texts, type TestHub } from "./harness.js";

describe("cross-app conversations", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[E2E1] alice@messenger and bob@whatsapp message each other both ways", async () => {
    const alice = await newDevice(hub.hub.url, "Alice@Example.com@messenger");
    const bob = await newDevice(hub.hub.url, "+1 415 555 0100@whatsapp");
    expect(alice.client.address).toBe("alice@example.com@messenger");
    expect(bob.client.address).toBe("+14155550100@whatsapp");

    const sent = await alice.client.sendText("+14155550100@whatsapp", "hi bob, from messenger");
    expect(sent.seq).toBeGreaterThan(0);
    await eventually(() => bob.received.length === 1, "bob to receive");
    expect(bob.received[0]!.text).toBe("hi bob, from messenger");
    expect(bob.received[0]!.senderAddress).toBe("alice@example.com@messenger");

    await bob.client.sendText("alice@example.com@messenger", "hi alice, from whatsapp");
    await eventually(() => alice.received.length === 1, "alice to receive");
    expect(alice.received[0]!.text).toBe("hi alice, from whatsapp");
    // Both directions use the same direct conversation.
    expect(alice.received[0]!.conversationId).toBe(sent.conversationId);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it("[E2E2] a group across three apps delivers every message to every member; removal cuts a member off", async () => {
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const bob = await newDevice(hub.hub.url, "+14155550100@whatsapp");
    const carol = await newDevice(hub.hub.url, "carol@instagram");
    const group = await alice.client.createGroup("Weekend", ["+14155550100@whatsapp", "carol@instagram"]);

    await alice.client.sendText(group, "from alice");
    await eventually(
      () => texts(bob.received, group).length === 1 && texts(carol.received, group).length === 1,
      "bob and carol to get alice's message",
    );
    await bob.client.sendText(group, "from bob");
    await carol.client.sendText(group, "from carol");
    await eventually(() => texts(alice.received, group).length === 2, "alice to get two messages");
    await eventually(
      () => texts(bob.received, group).length === 2 && texts(carol.received, group).length === 2,
      "everyone to get everything",
    );
    expect(texts(alice.received, group).sort()).toEqual(["from bob", "from carol"]);
    expect(texts(bob.received, group)).toEqual(["from alice", "from carol"]);
    expect(texts(carol.received, group)).toEqual(["from alice", "from bob"]);
    const carolConversation = (await carol.client.conversations()).find((c) => c.id === group);
    expect(carolConversation?.title).toBe("Weekend");

    await alice.client.removeMember(group, "carol@instagram");
    await eventually(
      async () => (await carol.client.conversations()).find((c) => c.id === group)?.active === false,
      "carol to see her removal",
    );
    await alice.client.sendText(group, "after carol left");
    await eventually(() => texts(bob.received, group).includes("after carol left"), "bob to keep receiving");
    // Carol's device is no longer a member: the hub refuses her reads, and MLS
    // would not let her decrypt (she has no keys for the new epoch).
    expect(texts(carol.received, group)).not.toContain("after carol left");
    // Even holding the ciphertext, carol's last group state cannot open it.
    const log = await hub.store.readLog(group, 0, 1000);
    const secret = log.filter((e) => e.kind === "application").at(-1)!;
    const engine = await createTsMlsEngine({ crypto: "node" });
    const carolState = (await carol.client.conversations()).find((c) => c.id === group)!;
    const stored = (await carol.store.getIdentity())!;
    const carolIdentity: DeviceIdentity = { ...stored };
    await expect(
      engine.process(carolIdentity, engine.loadState(carolState.groupState), secret.payload),
    ).rejects.toThrow();
    await expect(carol.client.sendText(group, "still here?")).rejects.toMatchObject({ code: "NOT_A_MEMBER" });
    await Promise.all([alice.client.close(), bob.client.close(), carol.client.close()]);
  });
});
