/**
 * [DS14] The client's half of "adds are the directory's devices": an engine
 * made with a member verifier (the SDK passes DeviceTrust.verify) refuses a
 * commit that adds a leaf whose key is not the directory's key for the device
 * id its credential names, and refuses a Welcome into a group holding such a
 * leaf. The attacker's engine has no verifier, as a malicious client would.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createTsMlsEngine, type GroupEngine, type MemberVerifier } from "../../src/mls/index.js";
import { Device, codeOf, toHexString } from "./fixtures.js";

const groupId = () => crypto.getRandomValues(new Uint8Array(16));

describe("[DS14] members are checked against the directory", () => {
  /** Device id -> registered signature key (hex): what the hub's ListDevices would say. */
  const directory = new Map<string, string>();
  const verifyMember: MemberVerifier = (member) =>
    directory.get(member.deviceId) === toHexString(member.signaturePublicKey);
  let honest: GroupEngine;
  let attacker: GroupEngine;

  beforeAll(async () => {
    honest = await createTsMlsEngine({ crypto: "node", verifyMember });
    attacker = await createTsMlsEngine({ crypto: "node" });
  });

  function register(device: Device): Device {
    directory.set(device.deviceId, toHexString(device.identity.signaturePublicKey));
    return device;
  }

  /** mallory's group with alice in it (both registered); bob is registered but not in it. */
  async function setup() {
    const mallory = register(new Device(attacker, "mallory@instagram", `mallory${directory.size}`));
    const alice = register(new Device(honest, "alice@messenger", `alice${directory.size}`));
    const bob = register(new Device(honest, "bob@instagram", `bob${directory.size}`));
    mallory.state = (await attacker.createGroup(mallory.identity, groupId())).state;
    // A key package with bob's credential and a key mallory made: never registered.
    const forgedBob = new Device(attacker, bob.identity.address, bob.deviceId);
    return { mallory, alice, bob, forgedBob };
  }

  it("[DS14] refuses a commit that adds a leaf whose key is not the directory's key for its device", async () => {
    const { mallory, alice, bob, forgedBob } = await setup();
    const welcomeAlice = await attacker.createCommit(mallory.identity, mallory.state, {
      add: [await alice.publish()],
      removeDeviceIds: [],
    });
    mallory.state = welcomeAlice.newState;
    await alice.join(welcomeAlice.welcome!);

    const forged = await attacker.createCommit(mallory.identity, mallory.state, {
      add: [await forgedBob.publish()],
      removeDeviceIds: [],
    });
    expect(await codeOf(honest.process(alice.identity, alice.state, forged.commit))).toMatch(
      /^MLS_INVALID_(CREDENTIAL|MESSAGE)$/,
    );

    // The same add with bob's real key package goes through: the check is the key.
    const real = await attacker.createCommit(mallory.identity, mallory.state, {
      add: [await bob.publish()],
      removeDeviceIds: [],
    });
    const applied = await alice.applyCommit(real.commit);
    expect(applied.newState.epoch).toBe(2);
  });

  it("[DS14] refuses a Welcome into a group that holds a leaf the directory does not know with that key", async () => {
    const { mallory, alice, bob, forgedBob } = await setup();
    const forged = await attacker.createCommit(mallory.identity, mallory.state, {
      add: [await forgedBob.publish(), await alice.publish()],
      removeDeviceIds: [],
    });
    const refused = alice.join(forged.welcome!);
    expect(await codeOf(refused)).toMatch(/^MLS_INVALID_(CREDENTIAL|MESSAGE)$/);

    // With bob's real key package, alice joins.
    const real = await attacker.createCommit(mallory.identity, mallory.state, {
      add: [await bob.publish(), await alice.publish()],
      removeDeviceIds: [],
    });
    await alice.join(real.welcome!);
    expect(honest.members(alice.state).map((m) => m.deviceId)).toEqual([
      mallory.deviceId,
      bob.deviceId,
      alice.deviceId,
    ]);
  });
});
