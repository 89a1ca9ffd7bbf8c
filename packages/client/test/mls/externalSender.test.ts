/**
 * Revocation with the hub as the groups' MLS external sender (RFC 9420
 * §12.1.8.1): the hub proposes to Remove a device, members keep the proposal
 * pending and refuse to encrypt, and one member's commit carries it by
 * reference. The hub here is test code with a raw Ed25519 key, proposing with
 * ts-mls's proposeExternal as the server does.
 */
import {
  createCommit,
  createGroup,
  createProposal,
  decodeExternalSender,
  decodeMlsMessage,
  defaultCapabilities,
  encodeExternalSender,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  makePskIndex,
  proposeExternal,
} from "ts-mls";
import type { CiphersuiteImpl, ClientState, GroupInfo, KeyPackage, Proposal } from "ts-mls";
import { HUB_CREDENTIAL_IDENTITY } from "@switchboard/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { nodeCryptoProvider } from "../../src/crypto/nodeCryptoProvider.js";
import { CIPHERSUITE, createTsMlsEngine } from "../../src/mls/index.js";
import type { GroupEngine, GroupState } from "../../src/mls/index.js";
import { deviceCredential, hubCredential } from "../../src/mls/credential.js";
import { makeKeyPackage } from "../../src/mls/keyPackage.js";
import { hubExternalSender } from "../../src/mls/proposals.js";
import { EngineGroupState } from "../../src/mls/state.js";
import { withStateCache } from "../../src/mls/stateCache.js";
import { Device, codeOf, makeSigningKey } from "./fixtures.js";

type SigningKey = ReturnType<typeof makeSigningKey>;

const groupId = () => crypto.getRandomValues(new Uint8Array(16));
const utf8 = (text: string) => new TextEncoder().encode(text);

let cs: CiphersuiteImpl;
let engine: GroupEngine;
beforeAll(async () => {
  cs = await nodeCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE));
  engine = await createTsMlsEngine({ crypto: "node" });
});

function decodeGroupInfo(bytes: Uint8Array): GroupInfo {
  const message = decodeMlsMessage(bytes, 0)![0];
  if (message.wireformat !== "mls_group_info") throw new Error("not a GroupInfo");
  return message.groupInfo;
}

/** A GroupInfo whose context names other external senders: how a key outside the group signs "as" one. */
function withExternalSenders(groupInfo: Uint8Array, keys: Uint8Array[]): GroupInfo {
  const info = decodeGroupInfo(groupInfo);
  return { ...info, groupContext: { ...info.groupContext, extensions: keys.map(hubExternalSender) } };
}

class Hub {
  readonly key: SigningKey = makeSigningKey();

  async propose(
    groupInfo: Uint8Array | GroupInfo,
    proposal: Proposal,
    options: { key?: SigningKey; authenticatedData?: Uint8Array } = {},
  ): Promise<Uint8Array> {
    const info = groupInfo instanceof Uint8Array ? decodeGroupInfo(groupInfo) : groupInfo;
    const key = options.key ?? this.key;
    const message = await proposeExternal(
      info,
      proposal,
      key.publicKey,
      key.privateKey,
      cs,
      options.authenticatedData,
    );
    return encodeMlsMessage(message);
  }

  /** Propose removing `device` (its leaf read from `state`), as the hub does on revocation. */
  async proposeRemove(
    groupInfo: Uint8Array | GroupInfo,
    state: GroupState,
    deviceId: string,
    options: { key?: SigningKey; authenticatedData?: Uint8Array } = {},
  ): Promise<Uint8Array> {
    const leaf = engine.members(state).find((m) => m.deviceId === deviceId)!.leafIndex;
    return this.propose(groupInfo, { proposalType: "remove", remove: { removed: leaf } }, options);
  }
}

/** alice creates the group with the hub as external sender and adds bob and carol. */
async function hubGroup(hub: Hub, on: GroupEngine = engine) {
  const alice = new Device(on, "alice@messenger", "deviceA");
  const bob = new Device(on, "bob@whatsapp", "deviceB");
  const carol = new Device(on, "carol@instagram", "deviceC");
  const created = await on.createGroup(alice.identity, groupId(), { externalSender: hub.key.publicKey });
  alice.state = created.state;
  const added = await on.createCommit(alice.identity, alice.state, {
    add: [await bob.publish(), await carol.publish()],
    removeDeviceIds: [],
  });
  alice.state = added.newState;
  await bob.join(added.welcome!);
  await carol.join(added.welcome!);
  return { alice, bob, carol, created, groupInfo: added.groupInfo };
}

/** The client state inside, with the signing key, to make what our engine never would. */
function rawClient(device: Device): ClientState {
  return {
    ...(device.state as EngineGroupState).client,
    signaturePrivateKey: device.identity.signaturePrivateKey,
  };
}

describe("the hub as external sender", () => {
  it("is named in the GroupContext with the hub's credential; a bad key or no key is handled", async () => {
    const hub = new Hub();
    const alice = new Device(engine, "alice@messenger", "deviceA");
    const { groupInfo } = await engine.createGroup(alice.identity, groupId(), {
      externalSender: hub.key.publicKey,
    });
    const senders = decodeGroupInfo(groupInfo).groupContext.extensions.filter(
      (e) => e.extensionType === "external_senders",
    );
    expect(senders).toHaveLength(1);
    const [sender] = decodeExternalSender(senders[0]!.extensionData, 0)!;
    expect(Buffer.from(sender.signaturePublicKey).equals(Buffer.from(hub.key.publicKey))).toBe(true);
    expect(sender.credential).toEqual({ credentialType: "basic", identity: utf8(HUB_CREDENTIAL_IDENTITY) });

    const plain = await engine.createGroup(alice.identity, groupId());
    expect(decodeGroupInfo(plain.groupInfo).groupContext.extensions).toEqual([]);
    expect(
      await codeOf(engine.createGroup(alice.identity, groupId(), { externalSender: new Uint8Array(31) })),
    ).toBe("MLS_INVALID_ARGUMENT");
  });

  it("revokes a device: proposal, no encryption, a commit of the proposal, and the device reads nothing after", async () => {
    const hub = new Hub();
    const { alice, bob, carol, groupInfo } = await hubGroup(hub);
    const proposal = await hub.proposeRemove(groupInfo, alice.state, "deviceC");
    expect(decodeMlsMessage(proposal, 0)![0].wireformat).toBe("mls_public_message");

    for (const device of [alice, bob, carol]) {
      const seen = await device.applyProposal(proposal);
      expect(seen.removedDevices).toEqual(["deviceC"]);
      expect(device.state.epoch).toBe(1);
      expect(engine.pendingRemovals(device.state)).toEqual(["deviceC"]);
      expect(await codeOf(engine.encrypt(device.identity, device.state, utf8("x")))).toBe(
        "MLS_PROPOSALS_PENDING",
      );
    }
    const carolLast = engine.serialize(carol.state);

    // An empty change commits what is pending, by reference.
    const commit = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    expect(commit).toMatchObject({ welcome: null, epoch: 1, addedDevices: [], removedDevices: ["deviceC"] });
    const framed = decodeMlsMessage(commit.commit, 0)![0];
    if (framed.wireformat !== "mls_public_message" || framed.publicMessage.content.contentType !== "commit")
      throw new Error("not a public commit");
    expect(framed.publicMessage.content.commit.proposals.map((p) => p.proposalOrRefType)).toEqual([
      "reference",
    ]);
    alice.state = commit.newState;
    expect(engine.pendingRemovals(alice.state)).toEqual([]);

    const atBob = await bob.applyCommit(commit.commit);
    expect(atBob).toMatchObject({ addedDevices: [], removedDevices: ["deviceC"], removedSelf: false });
    expect(atBob.sender?.deviceId).toBe("deviceA");
    expect(engine.pendingRemovals(bob.state)).toEqual([]);
    const atCarol = await carol.applyCommit(commit.commit);
    expect(atCarol).toMatchObject({ removedDevices: ["deviceC"], removedSelf: true });

    const secret = await alice.send("carol is revoked");
    expect(await bob.receive(secret)).toEqual({ text: "carol is revoked", from: alice.name });
    expect(await codeOf(engine.process(carol.identity, carol.state, secret))).toBe("MLS_NOT_MEMBER");
    expect(await codeOf(engine.process(carol.identity, engine.deserialize(carolLast), secret))).toBe(
      "MLS_WRONG_EPOCH",
    );
    expect(engine.members(bob.state).map((m) => m.deviceId)).toEqual(["deviceA", "deviceB"]);
    expect((await alice.receive(await bob.send("bob writes again"))).text).toBe("bob writes again");
  });

  it("the removed device cannot commit its own removal; a commit may carry it with other changes", async () => {
    const hub = new Hub();
    const { alice, bob, carol, groupInfo } = await hubGroup(hub);
    const proposal = await hub.proposeRemove(groupInfo, alice.state, "deviceC");
    for (const device of [alice, bob, carol]) await device.applyProposal(proposal);
    expect(
      await codeOf(engine.createCommit(carol.identity, carol.state, { add: [], removeDeviceIds: [] })),
    ).toBe("MLS_INVALID_ARGUMENT");

    // Asking again for the pending removal does not remove twice (RFC 9420 §12.2).
    const dave = new Device(engine, "dave@instagram", "deviceD");
    const commit = await engine.createCommit(alice.identity, alice.state, {
      add: [await dave.publish()],
      removeDeviceIds: ["deviceC"],
    });
    expect(commit).toMatchObject({ addedDevices: ["deviceD"], removedDevices: ["deviceC"] });
    alice.state = commit.newState;
    expect(await bob.applyCommit(commit.commit)).toMatchObject({
      addedDevices: ["deviceD"],
      removedDevices: ["deviceC"],
      removedSelf: false,
    });
    expect((await carol.applyCommit(commit.commit)).removedSelf).toBe(true);

    // A device that joined by Welcome gets the external sender too: the hub can revoke bob.
    await dave.join(commit.welcome!);
    const next = await hub.proposeRemove(commit.groupInfo, alice.state, "deviceB");
    expect((await dave.applyProposal(next)).removedDevices).toEqual(["deviceB"]);
    await alice.applyProposal(next);
    await bob.applyProposal(next);
    const byDave = await engine.createCommit(dave.identity, dave.state, { add: [], removeDeviceIds: [] });
    dave.state = byDave.newState;
    expect((await alice.applyCommit(byDave.commit)).removedDevices).toEqual(["deviceB"]);
    expect((await bob.applyCommit(byDave.commit)).removedSelf).toBe(true);
    expect((await alice.receive(await dave.send("two of us"))).text).toBe("two of us");
  });

  it("commits one removal when the hub proposed it twice in an epoch", async () => {
    const hub = new Hub();
    const { alice, bob, carol, groupInfo } = await hubGroup(hub);
    const first = await hub.proposeRemove(groupInfo, alice.state, "deviceC");
    const again = await hub.proposeRemove(groupInfo, alice.state, "deviceC", {
      authenticatedData: Uint8Array.of(1),
    });
    for (const device of [alice, bob, carol]) {
      await device.applyProposal(first);
      await device.applyProposal(again);
    }
    expect(engine.pendingRemovals(alice.state)).toEqual(["deviceC"]);
    const commit = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    expect(commit.removedDevices).toEqual(["deviceC"]);
    const framed = decodeMlsMessage(commit.commit, 0)![0];
    if (framed.wireformat !== "mls_public_message" || framed.publicMessage.content.contentType !== "commit")
      throw new Error("not a public commit");
    expect(framed.publicMessage.content.commit.proposals).toHaveLength(1);
    alice.state = commit.newState;
    expect((await bob.applyCommit(commit.commit)).removedDevices).toEqual(["deviceC"]);
    expect((await carol.applyCommit(commit.commit)).removedSelf).toBe(true);
  });

  it("a device that joined by external commit handles the hub's proposals", async () => {
    const hub = new Hub();
    const { alice, bob, carol, groupInfo } = await hubGroup(hub);
    const laptop = new Device(engine, "alice@messenger", "deviceA2");
    const join = await engine.joinExternal(laptop.identity, groupInfo);
    laptop.state = join.newState;
    for (const member of [alice, bob, carol]) await member.applyCommit(join.commit);

    const proposal = await hub.proposeRemove(join.groupInfo, laptop.state, "deviceB");
    for (const device of [laptop, alice, bob, carol]) await device.applyProposal(proposal);
    const commit = await engine.createCommit(laptop.identity, laptop.state, { add: [], removeDeviceIds: [] });
    expect(commit.removedDevices).toEqual(["deviceB"]);
    laptop.state = commit.newState;
    for (const member of [alice, carol])
      expect((await member.applyCommit(commit.commit)).removedDevices).toEqual(["deviceB"]);
    expect((await bob.applyCommit(commit.commit)).removedSelf).toBe(true);
    expect((await carol.receive(await laptop.send("from the laptop"))).from).toBe(laptop.name);
  });

  it("a commit referring to a proposal this device never processed is refused", async () => {
    const hub = new Hub();
    const { alice, bob, groupInfo } = await hubGroup(hub);
    await alice.applyProposal(await hub.proposeRemove(groupInfo, alice.state, "deviceC"));
    const commit = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    expect(await codeOf(engine.process(bob.identity, bob.state, commit.commit))).toBe("MLS_INVALID_MESSAGE");
  });
});

describe("proposals that are refused, leaving the state as it was", () => {
  async function refused(make: (g: Awaited<ReturnType<typeof hubGroup>>, hub: Hub) => Promise<Uint8Array>) {
    const hub = new Hub();
    const group = await hubGroup(hub);
    const message = await make(group, hub);
    const code = await codeOf(engine.process(group.bob.identity, group.bob.state, message));
    // Nothing is pending: bob still writes, and alice reads him.
    expect(engine.pendingRemovals(group.bob.state)).toEqual([]);
    expect((await group.alice.receive(await group.bob.send("still here"))).text).toBe("still here");
    return code;
  }

  it("MLS_INVALID_MESSAGE for a key that is not the group's external sender", async () => {
    const rogue = makeSigningKey();
    // Signed as sender 0 (the hub), with another key.
    expect(
      await refused(({ alice, groupInfo }, hub) =>
        hub.proposeRemove(withExternalSenders(groupInfo, [rogue.publicKey]), alice.state, "deviceC", {
          key: rogue,
        }),
      ),
    ).toBe("MLS_INVALID_MESSAGE");
    // Signed as a sender 1 the group does not have.
    expect(
      await refused(({ alice, groupInfo }, hub) =>
        hub.proposeRemove(
          withExternalSenders(groupInfo, [hub.key.publicKey, rogue.publicKey]),
          alice.state,
          "deviceC",
          { key: rogue },
        ),
      ),
    ).toBe("MLS_INVALID_MESSAGE");
  });

  it("MLS_INVALID_MESSAGE in a group created without an external sender", async () => {
    const hub = new Hub();
    const alice = new Device(engine, "alice@messenger", "deviceA");
    const bob = new Device(engine, "bob@whatsapp", "deviceB");
    alice.state = (await engine.createGroup(alice.identity, groupId())).state;
    const added = await engine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish()],
      removeDeviceIds: [],
    });
    alice.state = added.newState;
    await bob.join(added.welcome!);
    const proposal = await hub.proposeRemove(
      withExternalSenders(added.groupInfo, [hub.key.publicKey]),
      alice.state,
      "deviceA",
    );
    expect(await codeOf(engine.process(bob.identity, bob.state, proposal))).toBe("MLS_INVALID_MESSAGE");
  });

  it("MLS_UNSUPPORTED for an external sender that is not the hub", async () => {
    // A group (made with ts-mls, as another client could) whose external sender has a device's credential.
    const alice = new Device(engine, "alice@messenger", "deviceA");
    const bob = new Device(engine, "bob@whatsapp", "deviceB");
    const outsider = makeSigningKey();
    const { publicPackage, privatePackage } = await makeKeyPackage(alice.identity, cs);
    const { state: template } = await engine.createGroup(alice.identity, groupId());
    const client = await createGroup(
      groupId(),
      publicPackage,
      privatePackage,
      [
        {
          extensionType: "external_senders",
          extensionData: encodeExternalSender({
            signaturePublicKey: outsider.publicKey,
            credential: deviceCredential("eve@messenger", "deviceE"),
          }),
        },
      ],
      cs,
      (template as EngineGroupState).client.clientConfig,
    );
    alice.state = new EngineGroupState(client);
    const added = await engine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish()],
      removeDeviceIds: [],
    });
    alice.state = added.newState;
    await bob.join(added.welcome!);
    const proposal = await new Hub().proposeRemove(added.groupInfo, alice.state, "deviceA", {
      key: outsider,
    });
    expect(await codeOf(engine.process(bob.identity, bob.state, proposal))).toBe("MLS_UNSUPPORTED");
  });

  it("MLS_UNSUPPORTED for the hub's proposals other than Remove", async () => {
    expect(
      await refused(({ groupInfo }, hub) =>
        hub.propose(groupInfo, {
          proposalType: "group_context_extensions",
          groupContextExtensions: { extensions: [] },
        }),
      ),
    ).toBe("MLS_UNSUPPORTED");
    expect(
      await refused(async ({ groupInfo }, hub) => {
        const dave = new Device(engine, "dave@instagram", "deviceD");
        const kp = decodeMlsMessage(await dave.publish(), 0)![0] as { keyPackage: KeyPackage };
        return hub.propose(groupInfo, { proposalType: "add", add: { keyPackage: kp.keyPackage } });
      }),
    ).toBe("MLS_UNSUPPORTED");
  });

  it("MLS_UNSUPPORTED for a member's proposal", async () => {
    expect(
      await refused(async ({ alice }) => {
        const leaf = engine.members(alice.state).find((m) => m.deviceId === "deviceC")!.leafIndex;
        // From a raw copy of alice's state: our engine never makes proposals.
        const made = await createProposal(
          rawClient(alice),
          true,
          { proposalType: "remove", remove: { removed: leaf } },
          cs,
        );
        return encodeMlsMessage(made.message);
      }),
    ).toBe("MLS_UNSUPPORTED");
  });

  it("MLS_INVALID_MESSAGE for removing a leaf nobody holds", async () => {
    expect(
      await refused(({ groupInfo }, hub) =>
        hub.propose(groupInfo, { proposalType: "remove", remove: { removed: 9 } }),
      ),
    ).toBe("MLS_INVALID_MESSAGE");
  });

  it("MLS_WRONG_EPOCH for a proposal made before the last commit", async () => {
    expect(
      await refused(async ({ alice, bob, carol, groupInfo }, hub) => {
        const stale = await hub.proposeRemove(groupInfo, alice.state, "deviceC");
        const commit = await engine.createCommit(alice.identity, alice.state, {
          add: [],
          removeDeviceIds: [],
        });
        alice.state = commit.newState;
        await bob.applyCommit(commit.commit);
        await carol.applyCommit(commit.commit);
        return stale;
      }),
    ).toBe("MLS_WRONG_EPOCH");
  });
});

describe("pending proposals are part of the state", () => {
  it("survive serialise/deserialise, on the committer's side and on a receiver's", async () => {
    const hub = new Hub();
    const { alice, bob, carol, groupInfo } = await hubGroup(hub);
    const proposal = await hub.proposeRemove(groupInfo, alice.state, "deviceC");
    for (const device of [alice, bob, carol]) {
      await device.applyProposal(proposal);
      device.state = engine.deserialize(engine.serialize(device.state));
    }
    expect(engine.pendingRemovals(bob.state)).toEqual(["deviceC"]);
    expect(await codeOf(engine.encrypt(bob.identity, bob.state, utf8("x")))).toBe("MLS_PROPOSALS_PENDING");
    const commit = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    expect(commit.removedDevices).toEqual(["deviceC"]);
    alice.state = commit.newState;
    expect((await bob.applyCommit(commit.commit)).removedDevices).toEqual(["deviceC"]);
    expect((await carol.applyCommit(commit.commit)).removedSelf).toBe(true);
    expect((await bob.receive(await alice.send("after the reload"))).text).toBe("after the reload");
  });

  it("go through the decoded-state cache, hit or miss", async () => {
    const hub = new Hub();
    const cached = withStateCache(engine);
    const { alice, bob, carol, created, groupInfo } = await hubGroup(hub, cached);
    expect(decodeGroupInfo(created.groupInfo).groupContext.extensions.map((e) => e.extensionType)).toContain(
      "external_senders",
    );
    const proposal = await hub.proposeRemove(groupInfo, alice.state, "deviceC");
    for (const device of [alice, bob, carol]) await device.applyProposal(proposal);

    const bytes = cached.serialize(bob.state);
    expect(cached.deserialize(bytes.slice())).toBe(bob.state); // hit: the same state
    const cold = withStateCache(engine).deserialize(bytes); // miss: decoded
    expect(cached.pendingRemovals(cold)).toEqual(["deviceC"]);
    bob.state = cold;

    const commit = await cached.createCommit(
      alice.identity,
      cached.deserialize(cached.serialize(alice.state)),
      {
        add: [],
        removeDeviceIds: [],
      },
    );
    alice.state = commit.newState;
    expect((await bob.applyCommit(commit.commit)).removedDevices).toEqual(["deviceC"]);
    expect((await carol.applyCommit(commit.commit)).removedSelf).toBe(true);
  });
});

describe("what the hub's credential does not allow", () => {
  async function hubKeyPackage(hub: Hub): Promise<KeyPackage> {
    const made = await generateKeyPackageWithKey(
      hubCredential(),
      defaultCapabilities(),
      { notBefore: 0n, notAfter: 2n ** 63n - 1n },
      [],
      { signKey: hub.key.privateKey, publicKey: hub.key.publicKey },
      cs,
    );
    return made.publicPackage;
  }

  it("no key package with it is added by this engine", async () => {
    const hub = new Hub();
    const { alice } = await hubGroup(hub);
    const bytes = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_key_package",
      keyPackage: await hubKeyPackage(hub),
    });
    expect(
      await codeOf(engine.createCommit(alice.identity, alice.state, { add: [bytes], removeDeviceIds: [] })),
    ).toBe("MLS_INVALID_KEY_PACKAGE");
  });

  it("a commit (made with ts-mls directly) that adds it as a leaf is refused by members and joiners", async () => {
    const hub = new Hub();
    const { alice, bob } = await hubGroup(hub);
    const dave = new Device(engine, "dave@instagram", "deviceD");
    const daveKp = decodeMlsMessage(await dave.publish(), 0)![0] as { keyPackage: KeyPackage };
    const client = rawClient(alice);
    const made = await createCommit(
      { state: client, cipherSuite: cs, pskIndex: makePskIndex(client, {}) },
      {
        wireAsPublicMessage: true,
        ratchetTreeExtension: true,
        extraProposals: [
          { proposalType: "add", add: { keyPackage: await hubKeyPackage(hub) } },
          { proposalType: "add", add: { keyPackage: daveKp.keyPackage } },
        ],
      },
    );
    expect(await codeOf(engine.process(bob.identity, bob.state, encodeMlsMessage(made.commit)))).toBe(
      "MLS_INVALID_CREDENTIAL",
    );
    const welcome = encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome: made.welcome! });
    expect(await codeOf(dave.join(welcome))).toBe("MLS_INVALID_CREDENTIAL");
  });

  it("a commit whose committer's new leaf has it is refused", async () => {
    const hub = new Hub();
    const { alice, bob } = await hubGroup(hub);
    // alice's leaf as the UpdatePath re-signs it: with the hub's credential instead of hers.
    const client = rawClient(alice);
    const own = client.privatePath.leafIndex * 2;
    const tree = client.ratchetTree.slice();
    const leaf = tree[own];
    if (leaf?.nodeType !== "leaf") throw new Error("no own leaf");
    tree[own] = { ...leaf, leaf: { ...leaf.leaf, credential: hubCredential() } };
    const forged = { ...client, ratchetTree: tree };
    const made = await createCommit(
      { state: forged, cipherSuite: cs, pskIndex: makePskIndex(forged, {}) },
      { wireAsPublicMessage: true },
    );
    expect(await codeOf(engine.process(bob.identity, bob.state, encodeMlsMessage(made.commit)))).toBe(
      "MLS_INVALID_CREDENTIAL",
    );
  });

  it("no member can drop or replace the external sender: GroupContextExtensions commits are refused", async () => {
    const hub = new Hub();
    const { alice, bob } = await hubGroup(hub);
    const client = rawClient(alice);
    const made = await createCommit(
      { state: client, cipherSuite: cs, pskIndex: makePskIndex(client, {}) },
      {
        wireAsPublicMessage: true,
        extraProposals: [
          { proposalType: "group_context_extensions", groupContextExtensions: { extensions: [] } },
        ],
      },
    );
    expect(await codeOf(engine.process(bob.identity, bob.state, encodeMlsMessage(made.commit)))).toBe(
      "MLS_UNSUPPORTED",
    );
  });
});
