/** [DS1] Two members commit at the same epoch: exactly one wins, the other catches up and retries. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EntryKind } from "@switchboard/protocol";
import { PushGate, eventually, newDevice, startTestHub, texts, type TestHub } from "./harness.js";

describe("concurrent commits", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DS1] the loser of an epoch race catches up, commits again, and everyone ends in the same epoch", async () => {
    const gate = new PushGate();
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const bob = await newDevice(hub.hub.url, "+14155550100@whatsapp", { gate });
    const carol = await newDevice(hub.hub.url, "carol@instagram");
    const dave = await newDevice(hub.hub.url, "dave@instagram");
    const group = await alice.client.createGroup("Race", ["+14155550100@whatsapp"]);
    await eventually(
      async () => (await bob.client.conversations()).some((c) => c.id === group),
      "bob to join",
    );
    // [GR2] only admins add: alice makes bob one, so both may race to add.
    await alice.client.groups.setAdmin(group, "+14155550100@whatsapp", true);
    await eventually(
      async () => (await bob.client.groups.settings(group)).admins.includes("+14155550100@whatsapp"),
      "bob to be an admin",
    );
    const epochBefore = (await hub.store.getConversation(group))!.epoch;

    // Bob stops hearing pushes, so he does not learn of alice's commit and
    // makes his own for the same epoch: the hub must refuse it.
    gate.held = true;
    await alice.client.addMembers(group, ["carol@instagram"]);
    await bob.client.addMembers(group, ["dave@instagram"]);
    gate.release();

    const log = await hub.store.readLog(group, 0, 1000);
    const commits = log.filter((e) => e.kind === "commit");
    // One commit per epoch, in epoch order: alice's won epochBefore, bob's retry took the next.
    expect(commits.map((c) => c.epoch)).toEqual([...commits.keys()]);
    expect(commits.at(-2)!.senderAddress).toBe("alice@example.com@messenger");
    expect(commits.at(-2)!.epoch).toBe(epochBefore);
    expect(commits.at(-1)!.senderAddress).toBe("+14155550100@whatsapp");
    expect(commits.at(-1)!.epoch).toBe(epochBefore + 1);
    expect(EntryKind.COMMIT).toBeGreaterThan(0);

    const finalEpoch = (await hub.store.getConversation(group))!.epoch;
    for (const d of [alice, bob, carol, dave]) {
      await eventually(
        async () => (await d.client.conversations()).find((c) => c.id === group)?.epoch === finalEpoch,
        `${d.client.address} to reach epoch ${finalEpoch}`,
      );
    }
    await dave.client.sendText(group, "hello from dave");
    for (const d of [alice, bob, carol])
      await eventually(
        () => texts(d.received, group).includes("hello from dave"),
        `${d.client.address} to hear dave`,
      );
    await carol.client.sendText(group, "and carol");
    for (const d of [alice, bob, dave])
      await eventually(
        () => texts(d.received, group).includes("and carol"),
        `${d.client.address} to hear carol`,
      );
    for (const d of [alice, bob, carol, dave]) expect(d.errors).toEqual([]);
    await Promise.all([alice, bob, carol, dave].map((d) => d.client.close()));
  });
});
