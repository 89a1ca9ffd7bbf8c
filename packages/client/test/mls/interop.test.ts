/**
 * Our node:crypto provider against ts-mls's default one, in the same group:
 * every HPKE seal (Welcome, UpdatePath, external init), signature, KDF and
 * AEAD crosses providers, so any divergence from the RFCs breaks this.
 */
import { describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { Device } from "./fixtures.js";

describe("node provider <-> ts-mls default provider", () => {
  it("one group, devices on both providers, talking both ways through adds, removes and external joins", async () => {
    const nodeEngine = await createTsMlsEngine({ crypto: "node" });
    const defaultEngine = await createTsMlsEngine({ crypto: "default" });
    const alice = new Device(nodeEngine, "alice@messenger", "deviceA");
    const bob = new Device(defaultEngine, "bob@whatsapp", "deviceB");
    const carol = new Device(nodeEngine, "carol@instagram", "deviceC");
    const dave = new Device(defaultEngine, "dave@instagram", "deviceD");

    // node creates and seals the Welcome to a default-provider key package (and vice versa below).
    alice.state = (await nodeEngine.createGroup(alice.identity, new Uint8Array(16).fill(5))).state;
    const add = await nodeEngine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish(), await carol.publish()],
      removeDeviceIds: [],
    });
    alice.state = add.newState;
    await bob.join(add.welcome!);
    await carol.join(add.welcome!);

    expect(await bob.receive(await alice.send("node -> default"))).toEqual({
      text: "node -> default",
      from: alice.name,
    });
    expect(await alice.receive(await bob.send("default -> node"))).toEqual({
      text: "default -> node",
      from: bob.name,
    });
    expect((await carol.receive(await bob.send("default -> node again"))).from).toBe(bob.name);

    // A default-provider commit with an UpdatePath, processed by node devices.
    const remove = await defaultEngine.createCommit(bob.identity, bob.state, {
      add: [await dave.publish()],
      removeDeviceIds: ["deviceC"],
    });
    bob.state = remove.newState;
    expect((await alice.applyCommit(remove.commit)).removedDevices).toEqual(["deviceC"]);
    expect((await carol.applyCommit(remove.commit)).removedSelf).toBe(true);
    await dave.join(remove.welcome!);
    expect((await dave.receive(await alice.send("welcome dave"))).text).toBe("welcome dave");

    // A node commit with an UpdatePath, processed by default devices.
    const update = await nodeEngine.createCommit(alice.identity, alice.state, {
      add: [],
      removeDeviceIds: [],
    });
    alice.state = update.newState;
    await bob.applyCommit(update.commit);
    await dave.applyCommit(update.commit);
    expect((await alice.receive(await dave.send("default after node update"))).text).toBe(
      "default after node update",
    );

    // External joins across providers, in both directions.
    const carol2 = new Device(nodeEngine, "carol@instagram", "deviceC2");
    const joinNode = await nodeEngine.joinExternal(carol2.identity, update.groupInfo);
    carol2.state = joinNode.newState;
    for (const member of [alice, bob, dave])
      expect((await member.applyCommit(joinNode.commit)).addedDevices).toEqual(["deviceC2"]);
    const bob2 = new Device(defaultEngine, "bob@whatsapp", "deviceB2");
    const joinDefault = await defaultEngine.joinExternal(bob2.identity, joinNode.groupInfo);
    bob2.state = joinDefault.newState;
    for (const member of [alice, bob, dave, carol2])
      expect((await member.applyCommit(joinDefault.commit)).addedDevices).toEqual(["deviceB2"]);

    const last = await bob2.send("everyone");
    for (const member of [alice, bob, dave, carol2])
      expect(await member.receive(last)).toEqual({ text: "everyone", from: bob2.name });
    expect(nodeEngine.members(alice.state).map((m) => m.deviceId)).toEqual(
      defaultEngine.members(bob2.state).map((m) => m.deviceId),
    );
  });

  it("a state serialised under one provider continues under the other", async () => {
    const nodeEngine = await createTsMlsEngine({ crypto: "node" });
    const defaultEngine = await createTsMlsEngine({ crypto: "default" });
    const alice = new Device(nodeEngine, "alice@messenger", "deviceA");
    const bob = new Device(nodeEngine, "bob@whatsapp", "deviceB");
    alice.state = (await nodeEngine.createGroup(alice.identity, new Uint8Array(16).fill(6))).state;
    const add = await nodeEngine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish()],
      removeDeviceIds: [],
    });
    alice.state = add.newState;
    await bob.join(add.welcome!);
    const moved = defaultEngine.deserialize(nodeEngine.serialize(bob.state));
    const sent = await defaultEngine.encrypt(bob.identity, moved, new TextEncoder().encode("moved"));
    expect((await alice.receive(sent.message)).text).toBe("moved");
  });
});
