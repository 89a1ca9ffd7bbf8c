/**
 * [GR2] [GR3] [GR6] [GR7] The hub enforces who manages a group, through the
 * real gateway with real MLS (ts-mls on the member side): a non-admin's
 * commit that adds someone or changes the group's settings is refused with
 * NOT_ADMIN and stores nothing; a GroupInfo whose settings are not the
 * commit's is refused; a member may propose only its own account's removal,
 * and a commit at that epoch must carry it.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  GROUP_SETTINGS_EXTENSION_TYPE,
  encodeGroupSettings,
  toHex,
  type GroupSettingsValue,
} from "@switchboard/protocol";
import type { Extension, Proposal } from "ts-mls";
import {
  encodeMlsMessage,
  createProposal,
  defaultCryptoProvider,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
} from "ts-mls";
import { WireDevice } from "../devices/support.js";
import { MlsMember, externalSenderExtension } from "../devices/mlsMember.js";
import { commitOp, createGroupOp, mlsOf, startMembershipHub, type MembershipHub } from "./support.js";

let hub: MembershipHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const settings = (value: GroupSettingsValue): Extension => ({
  extensionType: GROUP_SETTINGS_EXTENSION_TYPE,
  extensionData: encodeGroupSettings(value),
});

/** The GroupContextExtensions proposal a member makes to change the settings (the hub stays named). */
function settingsProposal(mls: MlsMember, value: GroupSettingsValue): Proposal {
  const kept = mls.state.groupContext.extensions.filter(
    (e) => e.extensionType !== GROUP_SETTINGS_EXTENSION_TYPE,
  );
  return {
    proposalType: "group_context_extensions",
    groupContextExtensions: { extensions: [...kept, settings(value)] },
  };
}

async function leaveProposal(mls: MlsMember, leaf: number): Promise<Uint8Array> {
  const cs = await getCiphersuiteImpl(
    getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"),
    defaultCryptoProvider,
  );
  const made = await createProposal(
    mls.state,
    true,
    { proposalType: "remove", remove: { removed: leaf } },
    cs,
  );
  return encodeMlsMessage(made.message);
}

/** Alice's group with settings (alice admin), bob in it. */
async function aliceAndBob() {
  hub = await startMembershipHub();
  const alice = await WireDevice.register(hub.url, "alice@instagram");
  const bob = await WireDevice.register(hub.url, "+14155550101@whatsapp");
  const carol = await WireDevice.register(hub.url, "carol@example.com@messenger");
  const aliceMls = new MlsMember(alice.address, alice.deviceId, alice.keys);
  const groupId = new Uint8Array(randomBytes(16));
  const first: GroupSettingsValue = { admins: [alice.address], everyoneManages: false };
  const groupInfo = await aliceMls.createGroup(groupId, [
    externalSenderExtension(alice.hubKey),
    settings(first),
  ]);
  const conversationId = toHex(groupId);
  await alice.ok("createConversation", createGroupOp(conversationId, groupInfo));
  const bobMls = mlsOf(bob);
  const added = await aliceMls.commit([await bobMls.keyPackage()]);
  expect((await alice.error(commitOp(conversationId, added))).code).toBe("");
  aliceMls.adopt(added);
  await bobMls.join(added.welcome);
  return { hub, alice, bob, carol, aliceMls, bobMls, conversationId };
}

describe("[GR2] only admins manage a group", () => {
  it("[GR2] refuses a non-admin's add and settings change with NOT_ADMIN, storing nothing", async () => {
    const { hub, bob, carol, bobMls, conversationId } = await aliceAndBob();
    const before = await hub.store.readLog(conversationId, 0, 100);
    const epoch = (await hub.store.getConversation(conversationId))!.epoch;

    const addCarol = await bobMls.commit([await mlsOf(carol).keyPackage()]);
    expect((await bob.error(commitOp(conversationId, addCarol))).code).toBe("NOT_ADMIN");
    const rename = await bobMls.commit(
      [],
      [settingsProposal(bobMls, { admins: [bob.address], everyoneManages: false })],
    );
    expect((await bob.error(commitOp(conversationId, rename))).code).toBe("NOT_ADMIN");

    expect(await hub.store.readLog(conversationId, 0, 100)).toEqual(before);
    expect((await hub.store.getConversation(conversationId))!.epoch).toBe(epoch);
    expect(await hub.store.getMembership(conversationId, carol.deviceId)).toBeUndefined();
  });

  it("[GR2] [GR3] an admin makes bob an admin, who then may add; a GroupInfo with other settings is refused", async () => {
    const { hub, alice, bob, carol, aliceMls, bobMls, conversationId } = await aliceAndBob();
    const both: GroupSettingsValue = {
      admins: [alice.address, bob.address],
      everyoneManages: false,
    };
    const promote = await aliceMls.commit([], [settingsProposal(aliceMls, both)]);
    // [GR3] the same commit with the GroupInfo of a state without the change.
    const forged = { ...promote, groupInfo: (await aliceMls.commit()).groupInfo };
    expect((await alice.error(commitOp(conversationId, forged))).code).toBe("INVALID_ARGUMENT");
    expect((await alice.error(commitOp(conversationId, promote))).code).toBe("");
    aliceMls.adopt(promote);
    await bobMls.process(promote.commit);

    const addCarol = await bobMls.commit([await mlsOf(carol).keyPackage()]);
    expect((await bob.error(commitOp(conversationId, addCarol))).code).toBe("");
    expect(await hub.store.getMembership(conversationId, carol.deviceId)).toBeDefined();
  });
});

describe("[GR6] [GR7] leaving", () => {
  it("[GR6] a member proposes only its own removal; [GR7] a commit that leaves it out is an EPOCH_CONFLICT", async () => {
    const { hub, alice, bob, aliceMls, bobMls, conversationId } = await aliceAndBob();
    const aliceLeaf = 0;
    const bobLeaf = bobMls.state.privatePath.leafIndex;
    const propose = (proposal: Uint8Array) =>
      bob.error({ case: "proposeLeave", value: { conversationId, proposal } });
    expect((await propose(await leaveProposal(bobMls, aliceLeaf))).code).toBe("NOT_ADMIN");
    // Someone else's proposal, sent by bob, is not his to send.
    expect(
      (
        await alice.error({
          case: "proposeLeave",
          value: { conversationId, proposal: await leaveProposal(bobMls, bobLeaf) },
        })
      ).code,
    ).toBe("FORBIDDEN");
    const leave = await leaveProposal(bobMls, bobLeaf);
    expect((await propose(leave)).code).toBe("");

    // Alice had not seen it: her commit would drop bob's leave, so she is sent to catch up.
    const blind = await aliceMls.commit();
    expect((await alice.error(commitOp(conversationId, blind))).code).toBe("EPOCH_CONFLICT");
    await aliceMls.process(leave);
    const carried = await aliceMls.commit();
    expect((await alice.error(commitOp(conversationId, carried))).code).toBe("");
    expect(await hub.store.getMembership(conversationId, bob.deviceId)).toBeUndefined();
    expect(await hub.store.listMembers(conversationId)).toEqual([alice.deviceId]);
  });
});
