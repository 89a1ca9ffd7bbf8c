/**
 * [DS7] [DS14] Adds are checked against the directory, through the real
 * gateway with real MLS (ts-mls): the attack of issue 14 (a member commits an
 * Add of a key package it made itself, whose credential names a stranger's
 * device but whose key is the attacker's) is refused and stores nothing, and
 * so are adds of revoked or unknown devices, adds across a `closed` app and
 * adds the mayAdd hook refuses.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationKind, toHex } from "@switchboard/protocol";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub, type AppConfig } from "../../src/index.js";
import type { MayAdd } from "../../src/delivery/addChecks.js";
import type { Store } from "../../src/store/port.js";
import { newKeys } from "../gateway/rawClient.js";
import { MlsMember, externalSenderExtension, type MadeCommit } from "../devices/mlsMember.js";
import { WireDevice, linkDevice, revokeOp } from "../devices/support.js";

const MALLORY = "mallory@instagram";
const VICTIM = "victim@instagram";
const ALICE_ADDR = "alice@instagram";

let ids = 0;
const commitOp = (conversationId: string, made: MadeCommit) =>
  ({
    case: "commit",
    value: {
      conversationId,
      clientMessageId: `c${++ids}`,
      epoch: made.epoch,
      commit: made.commit,
      welcome: made.welcome,
      groupInfo: made.groupInfo,
    },
  }) as const;

interface Started {
  url: string;
  store: Store;
  close(): Promise<void>;
}

let running: Started | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: { apps?: readonly AppConfig[]; mayAdd?: MayAdd } = {}): Promise<Started> {
  const store = openSqliteStore({ path: ":memory:" });
  const hub = await startHub({
    store,
    bus: createMemoryBus(),
    apps: options.apps ?? DEMO_APPS,
    ...(options.mayAdd ? { mayAdd: options.mayAdd } : {}),
  });
  running = { url: hub.url, store, close: () => hub.close() };
  return running;
}

/** `owner` makes a group naming the hub; its MLS side and the conversation id. */
async function groupOf(owner: WireDevice): Promise<{ mls: MlsMember; conversationId: string }> {
  const mls = new MlsMember(owner.address, owner.deviceId, owner.keys);
  const groupId = new Uint8Array(randomBytes(16));
  const conversationId = toHex(groupId);
  const groupInfo = await mls.createGroup(groupId, [externalSenderExtension(owner.hubKey)]);
  await owner.ok("createConversation", {
    case: "createConversation",
    value: { conversationId, kind: ConversationKind.GROUP, groupInfo },
  });
  return { mls, conversationId };
}

/** What a refused commit must leave untouched. */
async function snapshot(store: Store, conversationId: string, victimDeviceIds: string[]) {
  const conversation = await store.getConversation(conversationId);
  return {
    epoch: conversation?.epoch,
    lastSeq: conversation?.lastSeq,
    participants: conversation?.participants,
    members: await store.listMembers(conversationId),
    log: (await store.readLog(conversationId, 0, 100)).length,
    victims: await Promise.all(
      victimDeviceIds.map(async (d) => ({
        conversations: await store.listConversations(d),
        inbox: await store.readInbox(d, 0, 100),
      })),
    ),
  };
}

describe("[DS14] adds are the directory's devices", () => {
  it("[DS14] refuses an Add whose key package names a stranger's device with the attacker's key, and stores nothing", async () => {
    const { url, store } = await start();
    const mallory = await WireDevice.register(url, MALLORY);
    const victim = await WireDevice.register(url, VICTIM);
    const { mls, conversationId } = await groupOf(mallory);
    const before = await snapshot(store, conversationId, [victim.deviceId]);

    // The forged key package: the victim's credential, signed with a key mallory holds
    // (not her device's own: ts-mls itself refuses a second leaf with a member's key).
    const forged = new MlsMember(victim.address, victim.deviceId, newKeys());
    const made = await mls.commit([await forged.keyPackage()]);
    const refused = await mallory.error(commitOp(conversationId, made));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toContain("not the device's registered key");
    expect(await snapshot(store, conversationId, [victim.deviceId])).toEqual(before);
    const listed = await victim.ok("listConversations", { case: "listConversations", value: {} });
    expect(listed.conversations).toEqual([]);

    // The victim's real key package is still accepted: the check is the key, not the add.
    const third = await groupOf(mallory);
    const real = new MlsMember(victim.address, victim.deviceId, victim.keys);
    await mallory.ok(
      "commit",
      commitOp(third.conversationId, await third.mls.commit([await real.keyPackage()])),
    );
    expect(await store.listMembers(third.conversationId)).toContain(victim.deviceId);
  });

  it("[DS14] refuses an Add of a device id the account never registered, and of a revoked device", async () => {
    const { url, store } = await start();
    const mallory = await WireDevice.register(url, MALLORY);
    const victim = await WireDevice.register(url, VICTIM);
    const laptop = await linkDevice(url, victim, "laptop");
    await victim.ok("revokeDevice", revokeOp(victim, laptop.deviceId));
    const { mls, conversationId } = await groupOf(mallory);
    const before = await snapshot(store, conversationId, [victim.deviceId, laptop.deviceId]);

    // A made-up device of the victim's account.
    const invented = new MlsMember(victim.address, "invented-device", newKeys());
    const unknown = await mallory.error(
      commitOp(conversationId, await mls.commit([await invented.keyPackage()])),
    );
    expect(unknown.code).toBe("INVALID_ARGUMENT");
    // The victim's real device, credited to mallory's account.
    const misnamed = new MlsMember(MALLORY, victim.deviceId, victim.keys);
    const wrongAccount = await mallory.error(
      commitOp(conversationId, await mls.commit([await misnamed.keyPackage()])),
    );
    expect(wrongAccount.code).toBe("INVALID_ARGUMENT");
    // The revoked laptop, with its own real key.
    const revoked = new MlsMember(victim.address, laptop.deviceId, laptop.keys);
    const refused = await mallory.error(
      commitOp(conversationId, await mls.commit([await revoked.keyPackage()])),
    );
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toContain("revoked");
    expect(await snapshot(store, conversationId, [victim.deviceId, laptop.deviceId])).toEqual(before);
  });

  it("[DS14] refuses an external commit whose joiner leaf signs with a key other than the device's", async () => {
    const { url, store } = await start();
    const alice = await WireDevice.register(url, "alice@instagram");
    const laptop = await linkDevice(url, alice, "laptop");
    const { conversationId } = await groupOf(alice);
    const groupInfo = (await store.getConversation(conversationId))!.groupInfo;
    const before = await snapshot(store, conversationId, [laptop.deviceId]);
    const join = (joined: { commit: Uint8Array; groupInfo: Uint8Array; epoch: bigint }) =>
      laptop.error({
        case: "commit",
        value: {
          conversationId,
          clientMessageId: `join${++ids}`,
          epoch: joined.epoch,
          commit: joined.commit,
          groupInfo: joined.groupInfo,
        },
      });
    const forged = await join(
      await new MlsMember(ALICE_ADDR, laptop.deviceId, laptop.keys).joinExternal(groupInfo, newKeys()),
    );
    expect(forged.code).toBe("FORBIDDEN");
    expect(forged.message).toContain("not the device's registered key");
    expect(await snapshot(store, conversationId, [laptop.deviceId])).toEqual(before);
    const real = await join(
      await new MlsMember(ALICE_ADDR, laptop.deviceId, laptop.keys).joinExternal(groupInfo),
    );
    expect(real.code).toBe("");
    expect(await store.listMembers(conversationId)).toContain(laptop.deviceId);
  });

  it("[DS14] [DIR4] refuses adding an account of a closed app from another app, with POLICY_DENIED", async () => {
    const apps = DEMO_APPS.map((a) => (a.id === "whatsapp" ? { ...a, reach: "closed" as const } : a));
    const { url, store } = await start({ apps });
    const mallory = await WireDevice.register(url, MALLORY);
    const closed = await WireDevice.register(url, "+14155550100@whatsapp");
    const { mls, conversationId } = await groupOf(mallory);
    const before = await snapshot(store, conversationId, [closed.deviceId]);
    const real = new MlsMember(closed.address, closed.deviceId, closed.keys);
    const refused = await mallory.error(
      commitOp(conversationId, await mls.commit([await real.keyPackage()])),
    );
    expect(refused.code).toBe("POLICY_DENIED");
    expect(await snapshot(store, conversationId, [closed.deviceId])).toEqual(before);

    // From inside the closed app the same add goes through.
    const friend = await WireDevice.register(url, "+14155550111@whatsapp");
    const own = await groupOf(friend);
    await friend.ok("commit", commitOp(own.conversationId, await own.mls.commit([await real.keyPackage()])));
  });

  it("[DS14] the mayAdd hook refuses an add with FORBIDDEN and its reason", async () => {
    const seen: string[] = [];
    const mayAdd: MayAdd = (adder, target) => {
      seen.push(`${adder.address}->${target}`);
      return target === VICTIM ? `${VICTIM} does not accept adds from ${adder.address}` : undefined;
    };
    const { url, store } = await start({ mayAdd });
    const mallory = await WireDevice.register(url, MALLORY);
    const victim = await WireDevice.register(url, VICTIM);
    const { mls, conversationId } = await groupOf(mallory);
    const before = await snapshot(store, conversationId, [victim.deviceId]);
    const real = new MlsMember(victim.address, victim.deviceId, victim.keys);
    const refused = await mallory.error(
      commitOp(conversationId, await mls.commit([await real.keyPackage()])),
    );
    expect(refused).toMatchObject({
      code: "FORBIDDEN",
      message: `${VICTIM} does not accept adds from ${MALLORY}`,
    });
    expect(seen).toEqual([`${MALLORY}->${VICTIM}`]);
    expect(await snapshot(store, conversationId, [victim.deviceId])).toEqual(before);
  });
});
