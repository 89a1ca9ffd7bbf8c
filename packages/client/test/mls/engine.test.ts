/**
 * GroupEngine scenarios, run against each crypto provider (one suite, every
 * implementation). Devices live on three apps; every device talks to every other.
 */
import { decodeMlsMessage } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../src/mls/index.js";
import type { GroupEngine } from "../../src/mls/index.js";
import { Device, codeOf } from "./fixtures.js";

const groupId = () => crypto.getRandomValues(new Uint8Array(16));

describe.each(["node", "default"] as const)("GroupEngine with the %s crypto provider", (crypto) => {
  let engine: GroupEngine;
  beforeAll(async () => {
    engine = await createTsMlsEngine({ crypto });
  });

  /** alice creates, adds bob and carol in one commit; both join from the one Welcome. */
  async function threeDeviceGroup() {
    const alice = new Device(engine, "alice@messenger", "deviceA");
    const bob = new Device(engine, "+14155550100@whatsapp", "deviceB");
    const carol = new Device(engine, "carol@instagram", "deviceC");
    const created = await engine.createGroup(alice.identity, groupId());
    alice.state = created.state;
    const pending = await engine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish(), await carol.publish()],
      removeDeviceIds: [],
    });
    alice.state = pending.newState;
    await bob.join(pending.welcome!);
    await carol.join(pending.welcome!);
    return { alice, bob, carol, created, pending };
  }

  it("creates a group, adds two devices in one commit, and everyone reads everyone", async () => {
    const { alice, bob, carol, created, pending } = await threeDeviceGroup();

    expect(created.state.epoch).toBe(0);
    const info = decodeMlsMessage(created.groupInfo, 0)![0];
    expect(info.wireformat).toBe("mls_group_info");
    if (info.wireformat === "mls_group_info") {
      expect(info.groupInfo.extensions.map((e) => e.extensionType)).toEqual(
        expect.arrayContaining(["external_pub", "ratchet_tree"]),
      );
    }
    // The server must be able to read the commit's framing (DESIGN, as MIMI).
    expect(decodeMlsMessage(pending.commit, 0)![0].wireformat).toBe("mls_public_message");
    expect(pending.epoch).toBe(0);
    expect(pending.addedDevices).toEqual(["deviceB", "deviceC"]);
    expect(pending.removedDevices).toEqual([]);

    for (const device of [alice, bob, carol]) {
      expect(device.state.epoch).toBe(1);
      expect(engine.members(device.state).map((m) => `${m.address}/${m.deviceId}`)).toEqual([
        alice.name,
        bob.name,
        carol.name,
      ]);
    }
    const devices = [alice, bob, carol];
    for (const sender of devices) {
      const message = await sender.send(`hello from ${sender.deviceId}`);
      for (const receiver of devices.filter((d) => d !== sender)) {
        expect(await receiver.receive(message)).toEqual({
          text: `hello from ${sender.deviceId}`,
          from: sender.name,
        });
      }
    }
  });

  it("removes a device: it sees removedSelf and reads nothing after", async () => {
    const { alice, bob, carol } = await threeDeviceGroup();
    const carolBefore = carol.state;
    const carolSaved = engine.serialize(carol.state);
    const pending = await engine.createCommit(alice.identity, alice.state, {
      add: [],
      removeDeviceIds: ["deviceC"],
    });
    expect(pending.welcome).toBeNull();
    expect(pending.removedDevices).toEqual(["deviceC"]);
    alice.state = pending.newState;

    const atBob = await bob.applyCommit(pending.commit);
    expect(atBob).toMatchObject({ addedDevices: [], removedDevices: ["deviceC"], removedSelf: false });
    expect(atBob.sender?.deviceId).toBe("deviceA");
    const atCarol = await carol.applyCommit(pending.commit);
    expect(atCarol.removedSelf).toBe(true);

    const secret = await alice.send("carol is gone");
    expect(await bob.receive(secret)).toEqual({ text: "carol is gone", from: alice.name });
    expect(await codeOf(engine.process(carol.identity, carol.state, secret))).toBe("MLS_NOT_MEMBER");
    // Her state from before the commit cannot read it either; the in-memory one is superseded.
    expect(await codeOf(engine.process(carol.identity, engine.deserialize(carolSaved), secret))).toBe(
      "MLS_WRONG_EPOCH",
    );
    expect(await codeOf(engine.process(carol.identity, carolBefore, secret))).toBe("MLS_INVALID_STATE");
    expect(await codeOf(engine.encrypt(carol.identity, carol.state, new Uint8Array(1)))).toBe(
      "MLS_NOT_MEMBER",
    );
    expect(engine.members(alice.state).map((m) => m.deviceId)).toEqual(["deviceA", "deviceB"]);
  });

  it("removes one device and adds another in one commit (the newcomer takes the freed leaf)", async () => {
    const { alice, bob, carol } = await threeDeviceGroup();
    const dave = new Device(engine, "dave@instagram", "deviceD");
    const pending = await engine.createCommit(alice.identity, alice.state, {
      add: [await dave.publish()],
      removeDeviceIds: ["deviceC"],
    });
    expect(pending).toMatchObject({ addedDevices: ["deviceD"], removedDevices: ["deviceC"] });
    alice.state = pending.newState;
    expect(await bob.applyCommit(pending.commit)).toMatchObject({
      addedDevices: ["deviceD"],
      removedDevices: ["deviceC"],
      removedSelf: false,
    });
    expect(await carol.applyCommit(pending.commit)).toMatchObject({
      removedSelf: true,
      removedDevices: ["deviceC"],
    });
    await dave.join(pending.welcome!);
    expect(engine.members(dave.state).find((m) => m.deviceId === "deviceD")?.leafIndex).toBe(2);
    const message = await dave.send("took your seat");
    expect((await bob.receive(message)).from).toBe(dave.name);
    expect(await codeOf(engine.process(carol.identity, carol.state, message))).toBe("MLS_NOT_MEMBER");
  });

  it("keeps talking across serialise/deserialise, and the blob holds no identity key", async () => {
    const { alice, bob, carol } = await threeDeviceGroup();
    expect((await bob.receive(await alice.send("before"))).text).toBe("before");
    const blob = engine.serialize(bob.state);
    expect(Buffer.from(blob).includes(Buffer.from(bob.identity.signaturePrivateKey))).toBe(false);
    bob.state = engine.deserialize(blob);
    expect(bob.state.epoch).toBe(1);
    expect((await bob.receive(await alice.send("after"))).text).toBe("after");
    expect((await carol.receive(await bob.send("bob still writes"))).from).toBe(bob.name);
    // Across a commit too.
    const pending = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    alice.state = pending.newState;
    bob.state = engine.deserialize(engine.serialize(bob.state));
    await bob.applyCommit(pending.commit);
    expect((await alice.receive(await bob.send("epoch 2"))).text).toBe("epoch 2");
  });

  it("decrypts a message from the previous epoch after moving on", async () => {
    const { alice, bob, carol } = await threeDeviceGroup();
    const late = await bob.send("sent just before the commit");
    const dave = new Device(engine, "dave@instagram", "deviceD");
    const pending = await engine.createCommit(alice.identity, alice.state, {
      add: [await dave.publish()],
      removeDeviceIds: [],
    });
    alice.state = pending.newState;
    await carol.applyCommit(pending.commit);
    expect(carol.state.epoch).toBe(2);
    expect(await carol.receive(late)).toEqual({ text: "sent just before the commit", from: bob.name });
    expect(await alice.receive(late)).toEqual({ text: "sent just before the commit", from: bob.name });
    // ... but not one from an epoch that never existed.
    await dave.join(pending.welcome!);
    expect(await codeOf(engine.process(dave.identity, dave.state, late))).toBe("MLS_WRONG_EPOCH");
  });

  it("lets another device join by external commit, and members process it", async () => {
    const { alice, bob, carol, pending } = await threeDeviceGroup();
    const alice2 = new Device(engine, "alice@messenger", "deviceA2");
    const join = await engine.joinExternal(alice2.identity, pending.groupInfo);
    expect(join).toMatchObject({ welcome: null, epoch: 1, addedDevices: ["deviceA2"], removedDevices: [] });
    alice2.state = join.newState;
    for (const member of [alice, bob, carol]) {
      const seen = await member.applyCommit(join.commit);
      expect(seen).toMatchObject({ addedDevices: ["deviceA2"], removedDevices: [], removedSelf: false });
      expect(seen.sender?.deviceId).toBe("deviceA2");
    }
    expect((await bob.receive(await alice2.send("my laptop"))).from).toBe(alice2.name);
    expect((await alice2.receive(await carol.send("hi laptop"))).from).toBe(carol.name);
    expect(engine.members(alice2.state)).toHaveLength(4);
  });

  it("rejoins by external commit a device that lost its state (resync)", async () => {
    const { alice, bob, carol } = await threeDeviceGroup();
    const info = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    alice.state = info.newState;
    await bob.applyCommit(info.commit);
    await carol.applyCommit(info.commit);
    const rejoin = await engine.joinExternal(carol.identity, info.groupInfo);
    expect(rejoin).toMatchObject({ addedDevices: ["deviceC"], removedDevices: ["deviceC"] });
    carol.state = rejoin.newState;
    const atAlice = await alice.applyCommit(rejoin.commit);
    expect(atAlice).toMatchObject({ addedDevices: ["deviceC"], removedDevices: ["deviceC"] });
    await bob.applyCommit(rejoin.commit);
    expect(engine.members(alice.state)).toHaveLength(3);
    expect((await bob.receive(await carol.send("back"))).text).toBe("back");
  });

  it("resolves two commits at one epoch: the first wins, the loser catches up and commits again", async () => {
    const { alice, bob, carol } = await threeDeviceGroup();
    const dave = new Device(engine, "dave@instagram", "deviceD");
    const bobsBase = bob.state;
    const fromAlice = await engine.createCommit(alice.identity, alice.state, {
      add: [await dave.publish()],
      removeDeviceIds: [],
    });
    const fromBob = await engine.createCommit(bob.identity, bob.state, {
      add: [],
      removeDeviceIds: ["deviceC"],
    });
    expect(fromAlice.epoch).toBe(fromBob.epoch);

    // The server accepts alice's; members apply it; bob's is now stale everywhere.
    alice.state = fromAlice.newState;
    await carol.applyCommit(fromAlice.commit);
    await dave.join(fromAlice.welcome!);
    for (const member of [alice, carol, dave]) {
      expect(await codeOf(engine.process(member.identity, member.state, fromBob.commit))).toBe(
        "MLS_WRONG_EPOCH",
      );
    }
    // Bob drops his pending state, applies the winner from the state he committed from, and retries.
    expect(bob.state).toBe(bobsBase);
    await bob.applyCommit(fromAlice.commit);
    expect(bob.state.epoch).toBe(2);
    const retry = await engine.createCommit(bob.identity, bob.state, {
      add: [],
      removeDeviceIds: ["deviceC"],
    });
    bob.state = retry.newState;
    for (const member of [alice, dave])
      expect((await member.applyCommit(retry.commit)).removedDevices).toEqual(["deviceC"]);
    expect((await carol.applyCommit(retry.commit)).removedSelf).toBe(true);
    expect((await dave.receive(await bob.send("settled"))).text).toBe("settled");
    // Alice's own accepted commit comes back through the log: it is not processed again.
    expect(await codeOf(engine.process(alice.identity, alice.state, fromAlice.commit))).toBe(
      "MLS_WRONG_EPOCH",
    );
  });
});
