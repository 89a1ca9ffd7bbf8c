/**
 * [DIR7] [DS9] Revoking a device through the real gateway, with real MLS
 * groups (ts-mls) that name the hub as external sender: the device's
 * connection is closed and it cannot log in again, the hub proposes its
 * removal in each of its conversations, sends wait until a member commits the
 * proposal by reference, and a commit that leaves it out gets a new proposal.
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CLOSE_DEVICE_REVOKED,
  ConversationKind,
  EntryKind,
  toHex,
  type LogEntry,
} from "@switchboard/protocol";
import { sign } from "../gateway/rawClient.js";
import { MlsMember, externalSenderExtension, type MadeCommit } from "./mlsMember.js";
import { WireDevice, linkDevice, startDeviceHub, type DeviceHub, revokeOp } from "./support.js";

const ALICE = "alice@instagram";
const BOB = "+14155550100@whatsapp";

interface Member {
  wire: WireDevice;
  mls: MlsMember;
}

const member = (wire: WireDevice): Member => ({
  wire,
  mls: new MlsMember(wire.address, wire.deviceId, wire.keys),
});

let clientIds = 0;
const commitOp = (conversationId: string, made: MadeCommit) =>
  ({
    case: "commit",
    value: {
      conversationId,
      clientMessageId: `c${++clientIds}`,
      epoch: made.epoch,
      commit: made.commit,
      welcome: made.welcome,
      groupInfo: made.groupInfo,
    },
  }) as const;

const sendOp = (conversationId: string, payload: Uint8Array, epoch: bigint) =>
  ({
    case: "sendMessage",
    value: { conversationId, clientMessageId: `m${++clientIds}`, payload, epoch },
  }) as const;

const isProposal = (e: LogEntry) => e.kind === EntryKind.PROPOSAL;

describe("revoking a device", () => {
  let hub: DeviceHub;
  let url: string;
  let alice: Member;
  let phone: Member;
  let bob: Member;
  let conversationId: string;

  /** alice (first device), her linked phone and bob, in one group alice made. */
  beforeEach(async () => {
    hub = await startDeviceHub();
    url = hub.hub.url;
    alice = member(await WireDevice.register(url, ALICE));
    phone = member(await linkDevice(url, alice.wire, "phone"));
    bob = member(await WireDevice.register(url, BOB));
    const groupId = new Uint8Array(randomBytes(16));
    conversationId = toHex(groupId);
    const groupInfo = await alice.mls.createGroup(groupId, [externalSenderExtension(alice.wire.hubKey)]);
    await alice.wire.ok("createConversation", {
      case: "createConversation",
      value: { conversationId, kind: ConversationKind.GROUP, groupInfo },
    });
    const added = await alice.mls.commit([await phone.mls.keyPackage(), await bob.mls.keyPackage()]);
    await alice.wire.ok("commit", commitOp(conversationId, added));
    alice.mls.adopt(added);
    for (const m of [phone, bob]) {
      const welcome = await m.wire.nextInboxPush();
      await m.mls.join(welcome.payload);
    }
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DIR7] closes the device's connection, refuses its logins, and proposes its removal where it is a member", async () => {
    const revoked = await alice.wire.ok("revokeDevice", revokeOp(alice.wire, phone.wire.deviceId));
    expect(revoked.conversationIds).toEqual([conversationId]);
    expect(await phone.wire.client.closedWith()).toBe(CLOSE_DEVICE_REVOKED);

    // It proves it holds its key, and is told it was revoked; a forger is not told anything.
    const again = await WireDevice.connect(url, phone.wire.keys);
    expect((await again.error(again.authenticateOp())).code).toBe("DEVICE_REVOKED");
    const forger = await WireDevice.connect(url);
    const forged = await forger.error({
      case: "authenticate",
      value: { deviceId: phone.wire.deviceId, signature: sign(forger.keys.privateKey, forger.challenge) },
    });
    expect(forged.code).toBe("BAD_SIGNATURE");

    // Every member hears of the hub's proposal: a PublicMessage from no device, at the current epoch.
    for (const m of [alice, bob]) {
      const proposal = await m.wire.nextEntryPush(isProposal);
      expect(proposal).toMatchObject({ conversationId, epoch: 1n, senderDeviceId: "", senderAddress: "" });
    }
    const pending = await hub.store.pendingProposals(conversationId, 1);
    expect(pending.map((p) => p.removedDeviceId)).toEqual([phone.wire.deviceId]);

    // Listed as revoked, for everyone checking approval chains.
    const listed = await bob.wire.ok("listDevices", { case: "listDevices", value: { address: ALICE } });
    const listedPhone = listed.devices.find((d) => d.id === phone.wire.deviceId)!;
    expect(listedPhone.revokedAt).toBe(BigInt(hub.clock.now));
    expect(listedPhone.approvedBy).toBe(alice.wire.deviceId);

    // Revoking it again proposes nothing new.
    const twice = await alice.wire.ok("revokeDevice", revokeOp(alice.wire, phone.wire.deviceId));
    expect(twice.conversationIds).toEqual([]);
    expect(await hub.store.pendingProposals(conversationId, 1)).toHaveLength(1);
  });

  it("[DS9] refuses sends until a member commits the removal by reference; then the device is gone and sends work", async () => {
    await alice.wire.ok("revokeDevice", revokeOp(alice.wire, phone.wire.deviceId));
    const proposal = await bob.wire.nextEntryPush(isProposal);

    const early = await bob.mls.encrypt("too early");
    const refused = await bob.wire.error(sendOp(conversationId, early, 1n));
    expect(refused.code).toBe("PROPOSALS_PENDING");
    expect(refused.message).toMatch(/commit the removal of a revoked device/);

    await bob.mls.process(proposal.payload);
    expect(bob.mls.pendingProposals).toBe(1);
    const removal = await bob.mls.commit();
    await bob.wire.ok("commit", commitOp(conversationId, removal));
    bob.mls.adopt(removal);

    const seen = await alice.wire.nextEntryPush((e) => e.kind === EntryKind.COMMIT && e.epoch === 1n);
    expect(seen.membership).toMatchObject({ removedDevices: [phone.wire.deviceId], removedAccounts: [] });
    expect(await hub.store.listMembers(conversationId)).not.toContain(phone.wire.deviceId);
    expect(await hub.store.revokedMembers(conversationId)).toEqual([]);

    const sent = await bob.wire.ok("sendMessage", sendOp(conversationId, await bob.mls.encrypt("now"), 2n));
    expect(sent.seq).toBeGreaterThan(0n);
    // The commit included everything pending: nothing is proposed at the new epoch.
    expect(await hub.store.pendingProposals(conversationId, 2)).toEqual([]);
  });

  it("[DS9] a commit at that epoch without the proposal makes the hub propose again at the next", async () => {
    await alice.wire.ok("revokeDevice", revokeOp(alice.wire, phone.wire.deviceId));
    await bob.wire.nextEntryPush(isProposal);
    // bob commits before processing the proposal: a commit that leaves it out.
    const without = await bob.mls.commit();
    await bob.wire.ok("commit", commitOp(conversationId, without));
    bob.mls.adopt(without);

    const renewed = await bob.wire.nextEntryPush((e) => isProposal(e) && e.epoch === 2n);
    expect((await hub.store.pendingProposals(conversationId, 2)).map((p) => p.removedDeviceId)).toEqual([
      phone.wire.deviceId,
    ]);
    expect(await hub.store.listMembers(conversationId)).toContain(phone.wire.deviceId);
    const refused = await bob.wire.error(sendOp(conversationId, await bob.mls.encrypt("no"), 2n));
    expect(refused.code).toBe("PROPOSALS_PENDING");

    await bob.mls.process(renewed.payload);
    const removal = await bob.mls.commit();
    await bob.wire.ok("commit", commitOp(conversationId, removal));
    bob.mls.adopt(removal);
    expect(await hub.store.listMembers(conversationId)).not.toContain(phone.wire.deviceId);
    await bob.wire.ok("sendMessage", sendOp(conversationId, await bob.mls.encrypt("yes"), 3n));
  });

  it("[DS7] a commit carrying a proposal by reference that the hub did not make is refused", async () => {
    // bob proposes the phone's removal himself and commits it by reference.
    await bob.mls.proposeOwn({ proposalType: "remove", remove: { removed: 1 } });
    const made = await bob.mls.commit();
    const refused = await bob.wire.error(commitOp(conversationId, made));
    expect(refused).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(refused.message).toMatch(/proposal the hub did not make/);
    expect(await hub.store.listMembers(conversationId)).toContain(phone.wire.deviceId);
  });

  it("[DIR7] a commit may not drop the hub as external sender", async () => {
    const made = await alice.mls.commit();
    const { newState } = made;
    const groupInfo = await alice.mls.groupInfo({
      ...newState,
      groupContext: { ...newState.groupContext, extensions: [] },
    });
    const refused = await alice.wire.error(commitOp(conversationId, { ...made, groupInfo }));
    expect(refused.code).toBe("INVALID_ARGUMENT");
    expect(refused.message).toMatch(/external sender/);
  });

  it("[DS10] a message for an epoch the conversation has left is refused with the current epoch", async () => {
    const stale = await bob.mls.encrypt("sent just before a commit");
    const commit = await alice.mls.commit();
    await alice.wire.ok("commit", commitOp(conversationId, commit));
    const refused = await bob.wire.error(sendOp(conversationId, stale, 1n));
    expect(refused).toMatchObject({ code: "EPOCH_CONFLICT", currentEpoch: 2n });
  });

  it("[DIR7] the last active device cannot be revoked; only one's own devices can; a device may revoke itself", async () => {
    expect((await bob.wire.error(revokeOp(bob.wire, bob.wire.deviceId))).code).toBe("LAST_DEVICE");
    for (const deviceId of [alice.wire.deviceId, "not-a-device", "a".repeat(26)]) {
      expect((await bob.wire.error(revokeOp(bob.wire, deviceId))).code).toBe("NOT_FOUND");
    }
    // The phone revokes alice's first device, then the phone is her last.
    const answer = await phone.wire.ok("revokeDevice", revokeOp(phone.wire, alice.wire.deviceId));
    expect(answer.conversationIds).toEqual([conversationId]);
    expect(await alice.wire.client.closedWith()).toBe(CLOSE_DEVICE_REVOKED);
    expect((await phone.wire.error(revokeOp(phone.wire, phone.wire.deviceId))).code).toBe("LAST_DEVICE");
    expect(phone.wire.client.closed).toBe(false);
  });

  it("[DIR7] a device that revokes itself gets its answer before its connection closes", async () => {
    const answer = await phone.wire.ok("revokeDevice", revokeOp(phone.wire, phone.wire.deviceId));
    expect(answer.conversationIds).toEqual([conversationId]);
    expect(await phone.wire.client.closedWith()).toBe(CLOSE_DEVICE_REVOKED);
  });
});
