/**
 * The rest of the device operations through the real gateway: listing
 * (approval chains for everyone, names and last-seen only for the account
 * itself), messages between an account's own devices, claiming key packages
 * of chosen devices, and the hub as every group's external sender.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConversationKind, InboxKind, toHex } from "@switchboard/protocol";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub } from "../../src/index.js";
import { RawClient, newKeys } from "../gateway/rawClient.js";
import { MlsMember, externalSenderExtension } from "./mlsMember.js";
import { WireDevice, linkDevice, startDeviceHub, type DeviceHub, revokeOp } from "./support.js";

const ALICE = "alice@instagram";
const BOB = "bob@example.com@messenger";

describe("an account's devices", () => {
  let hub: DeviceHub;
  let url: string;
  let alice: WireDevice;
  let laptop: WireDevice;
  let bob: WireDevice;
  beforeEach(async () => {
    hub = await startDeviceHub();
    url = hub.hub.url;
    alice = await WireDevice.register(url, ALICE);
    hub.clock.now += 1000;
    laptop = await linkDevice(url, alice, "laptop");
    bob = await WireDevice.register(url, BOB);
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DIR5] lists approvals to everyone, but names and last-seen times only to the account itself", async () => {
    const own = await alice.ok("listDevices", { case: "listDevices", value: { address: "" } });
    expect(own.address).toBe(ALICE);
    expect(own.devices.map((d) => d.name)).toEqual(["", "laptop"]);
    expect(own.devices.every((d) => d.lastSeenAt > 0n)).toBe(true);
    const spelled = await alice.ok("listDevices", {
      case: "listDevices",
      value: { address: "ALICE@instagram" },
    });
    expect(spelled.devices.map((d) => d.name)).toEqual(["", "laptop"]);

    const seen = await bob.ok("listDevices", {
      case: "listDevices",
      value: { address: "  Alice@Instagram" },
    });
    expect(seen.address).toBe(ALICE);
    expect(seen.devices.map((d) => [d.id, d.name, d.lastSeenAt])).toEqual([
      [alice.deviceId, "", 0n],
      [laptop.deviceId, "", 0n],
    ]);
    const [first, second] = seen.devices;
    expect(first).toMatchObject({ approvedBy: "", approvedAt: 0n, revokedAt: 0n });
    expect(first!.signatureKey).toEqual(alice.keys.publicKey);
    expect(second).toMatchObject({ approvedBy: alice.deviceId, revokedAt: 0n });
    expect(second!.approval).toHaveLength(64);
    expect(second!.approvedAt).toBeGreaterThan(0n);

    // [DIR12] A lookup says the account exists, under its normalised address, and nothing more.
    const looked = await bob.ok("lookupAccount", {
      case: "lookupAccount",
      value: { address: " Alice@Instagram" },
    });
    expect(looked.account).toMatchObject({ address: ALICE, displayName: "", devices: [] });

    expect((await bob.error({ case: "listDevices", value: { address: "nobody@instagram" } })).code).toBe(
      "NOT_FOUND",
    );
    expect((await bob.error({ case: "listDevices", value: { address: "alice@myspace" } })).code).toBe(
      "UNKNOWN_APP",
    );
    const stranger = await WireDevice.connect(url);
    expect((await stranger.error({ case: "listDevices", value: { address: ALICE } })).code).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("[DIR8] sends sealed bytes only to another active device of one's own account", async () => {
    const payload = new Uint8Array([1, 2, 3]);
    await alice.ok("sendToDevice", { case: "sendToDevice", value: { deviceId: laptop.deviceId, payload } });
    const pushed = await laptop.nextInboxPush();
    expect(pushed).toMatchObject({
      kind: InboxKind.DEVICE_MESSAGE,
      senderAddress: ALICE,
      senderDeviceId: alice.deviceId,
      conversationId: "",
    });
    expect(pushed.payload).toEqual(payload);
    const { items } = await laptop.ok("fetchInbox", {
      case: "fetchInbox",
      value: { afterId: 0n, limit: 10 },
    });
    expect(items.map((i) => i.kind)).toEqual([InboxKind.LINK, InboxKind.DEVICE_MESSAGE]);

    const to = (deviceId: string, bytes = payload) =>
      alice.error({ case: "sendToDevice", value: { deviceId, payload: bytes } });
    expect((await to(alice.deviceId)).code).toBe("NOT_FOUND");
    expect((await to(bob.deviceId)).code).toBe("NOT_FOUND");
    expect((await to("nonsense")).code).toBe("NOT_FOUND");
    expect((await to(laptop.deviceId, new Uint8Array())).code).toBe("INVALID_ARGUMENT");
    expect((await to(laptop.deviceId, new Uint8Array(256 * 1024 + 1))).code).toBe("TOO_LARGE");
    await alice.ok("revokeDevice", revokeOp(alice, laptop.deviceId));
    expect((await to(laptop.deviceId)).code).toBe("NOT_FOUND");
  });

  it("[DIR5] claims key packages of the named devices only, and answers none (not an error) when they have none", async () => {
    const laptopMls = new MlsMember(ALICE, laptop.deviceId, laptop.keys);
    const aliceMls = new MlsMember(ALICE, alice.deviceId, alice.keys);
    await laptop.ok("uploadKeyPackages", {
      case: "uploadKeyPackages",
      value: { keyPackages: [await laptopMls.keyPackage()] },
    });
    const claim = (deviceIds: string[]) =>
      bob.call({ case: "claimKeyPackages", value: { address: ALICE, deviceIds } });

    const named = await claim([laptop.deviceId]);
    if (named.case !== "claimKeyPackages") throw new Error(`expected a claim, got ${named.case}`);
    expect(named.value.keyPackages.map((k) => k.deviceId)).toEqual([laptop.deviceId]);
    // The laptop has nothing left: the new device's approver asks again later.
    const none = await claim([laptop.deviceId]);
    expect(none.case === "claimKeyPackages" && none.value.keyPackages).toEqual([]);
    // For the whole account, nothing to claim is still NO_KEY_PACKAGE.
    expect((await bob.error({ case: "claimKeyPackages", value: { address: ALICE } })).code).toBe(
      "NO_KEY_PACKAGE",
    );
    await alice.ok("uploadKeyPackages", {
      case: "uploadKeyPackages",
      value: { keyPackages: [await aliceMls.keyPackage()] },
    });
    const whole = await bob.ok("claimKeyPackages", { case: "claimKeyPackages", value: { address: ALICE } });
    expect(whole.keyPackages.map((k) => k.deviceId)).toEqual([alice.deviceId]);

    const bad = await bob.error({ case: "claimKeyPackages", value: { address: ALICE, deviceIds: ["x"] } });
    expect(bad.code).toBe("INVALID_ARGUMENT");
    const many = Array.from({ length: 101 }, () => laptop.deviceId);
    const tooMany = await bob.error({ case: "claimKeyPackages", value: { address: ALICE, deviceIds: many } });
    expect(tooMany.code).toBe("TOO_LARGE");
  });

  it("[DIR7] refuses a group that does not name the hub as its external sender", async () => {
    const create = async (extensions: ReturnType<typeof externalSenderExtension>[]) => {
      const groupId = new Uint8Array(randomBytes(16));
      const mls = new MlsMember(ALICE, alice.deviceId, alice.keys);
      const groupInfo = await mls.createGroup(groupId, extensions);
      return alice.call({
        case: "createConversation",
        value: { conversationId: toHex(groupId), kind: ConversationKind.GROUP, groupInfo },
      });
    };
    const refusals = [
      [],
      [externalSenderExtension(newKeys().publicKey)],
      [externalSenderExtension(alice.hubKey, "someone else")],
    ];
    for (const extensions of refusals) {
      const result = await create(extensions);
      expect(result.case === "error" && result.value).toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(result.case === "error" && result.value.message).toMatch(/external sender/);
    }
    expect(await hub.store.listConversations(alice.deviceId)).toEqual([]);
    // Another external sender beside the hub is the group's business.
    const both = await create([
      externalSenderExtension(newKeys().publicKey),
      externalSenderExtension(alice.hubKey),
    ]);
    expect(both.case).toBe("createConversation");
  });
});

describe("the hub's external-sender key", () => {
  it("[DIR7] is sent in ServerHello and is the same after a restart on the same store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-hubkey-"));
    const path = join(dir, "hub.db");
    const keyOf = async () => {
      const hub = await startHub({
        store: openSqliteStore({ path }),
        bus: createMemoryBus(),
        apps: DEMO_APPS,
      });
      try {
        const client = await RawClient.connect(hub.url);
        const hello = await client.greet();
        client.close();
        return hello.hubSignatureKey;
      } finally {
        await hub.close();
      }
    };
    try {
      const first = await keyOf();
      expect(first).toHaveLength(32);
      expect(await keyOf()).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
