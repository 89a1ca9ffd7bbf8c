/**
 * [DIR5] [DIR6] Linking a new device through the real gateway: the code, the
 * approval the hub checks, the envelope pushed to the new device's waiting
 * connection, and the limits (expiry, device count, one link per connection).
 */
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_DEVICES,
  InboxKind,
  LINK_LIFETIME_MS,
  linkCodeFromDigest,
  linkCodeInput,
} from "@switchboard/protocol";
import { DEMO_APPS, type AppConfig } from "../../src/index.js";
import { newKeys, sign } from "../gateway/rawClient.js";
import {
  WireDevice,
  approveOp,
  beginLink,
  beginLinkOp,
  linkDevice,
  startDeviceHub,
  type DeviceHub,
  revokeOp,
} from "./support.js";

const ALICE = "alice@instagram";

describe("linking a device", () => {
  let hub: DeviceHub;
  let url: string;
  beforeEach(async () => {
    hub = await startDeviceHub();
    url = hub.hub.url;
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DIR5] a new device gets a code of its keys, is approved, receives the envelope where it waits, and logs in there", async () => {
    const alice = await WireDevice.register(url, ALICE);
    hub.clock.now += 1000; // devices are listed oldest first
    const { device: laptop, hpke, code, deviceId, expiresAt } = await beginLink(url, "laptop");
    const digest = createHash("sha256").update(linkCodeInput(laptop.keys.publicKey, hpke)).digest();
    expect(code).toBe(linkCodeFromDigest(new Uint8Array(digest)));
    expect(deviceId).toBe(laptop.deviceId);
    expect(expiresAt).toBe(hub.clock.now + LINK_LIFETIME_MS);

    // Typed loosely, as a person would.
    const { link } = await alice.ok("getLink", {
      case: "getLink",
      value: { code: code.toLowerCase().replace("-", " ") },
    });
    expect(link).toMatchObject({ code, deviceId, deviceName: "laptop", signatureKey: laptop.keys.publicKey });
    expect(link!.hpkePublicKey).toEqual(hpke);

    const envelope = new Uint8Array([9, 8, 7]);
    const approvedAt = hub.clock.now;
    const { device } = await alice.ok("approveLink", await approveOp(alice, code, { envelope, approvedAt }));
    expect(device).toMatchObject({ id: deviceId, name: "laptop", approvedBy: alice.deviceId });
    expect(device!.approvedAt).toBe(BigInt(approvedAt));

    const item = await laptop.nextInboxPush();
    expect(item).toMatchObject({
      kind: InboxKind.LINK,
      senderAddress: ALICE,
      senderDeviceId: alice.deviceId,
    });
    expect(item.payload).toEqual(envelope);

    // Still not logged in: nothing but Authenticate works on the linking connection.
    expect((await laptop.error({ case: "listDevices", value: { address: "" } })).code).toBe(
      "UNAUTHENTICATED",
    );
    const auth = await laptop.ok("authenticate", laptop.authenticateOp());
    expect(auth).toMatchObject({ address: ALICE, deviceId });
    const { items } = await laptop.ok("fetchInbox", {
      case: "fetchInbox",
      value: { afterId: 0n, limit: 10 },
    });
    expect(items.map((i) => i.kind)).toEqual([InboxKind.LINK]);

    const listed = await laptop.ok("listDevices", { case: "listDevices", value: { address: "" } });
    expect(listed.devices.map((d) => [d.id, d.name, d.approvedBy])).toEqual([
      [alice.deviceId, "", ""],
      [deviceId, "laptop", alice.deviceId],
    ]);
    // The code was used up.
    expect((await alice.error({ case: "getLink", value: { code } })).code).toBe("NOT_FOUND");
  });

  it("[DIR5] a linking connection cannot log in before approval, nor link twice; a known key cannot link", async () => {
    const alice = await WireDevice.register(url, ALICE);
    const { device: laptop, hpke } = await beginLink(url);
    expect((await laptop.error(laptop.authenticateOp())).code).toBe("BAD_SIGNATURE");
    expect((await laptop.error(beginLinkOp(laptop, hpke, "again"))).code).toBe("BAD_FRAME");
    // An authenticated connection does not begin links.
    expect((await alice.error(beginLinkOp(alice, hpke, "x"))).code).toBe("BAD_FRAME");
    // A registered device's key is not a new device.
    const same = await WireDevice.connect(url, alice.keys);
    expect((await same.error(beginLinkOp(same, hpke, "x"))).code).toBe("ALREADY_EXISTS");
  });

  it("[DIR5] the same keys asking again (a reconnect) get the same live link", async () => {
    const first = await beginLink(url);
    const again = await WireDevice.connect(url, first.device.keys);
    const second = await again.ok("beginLink", beginLinkOp(again, first.hpke, "laptop"));
    expect(second.code).toBe(first.code);
    expect(Number(second.expiresAt)).toBe(first.expiresAt);
    const alice = await WireDevice.register(url, ALICE);
    await alice.ok("approveLink", await approveOp(alice, first.code));
    // Both waiting connections are the new device's: both hear of the approval.
    await first.device.nextInboxPush();
    await again.nextInboxPush();
  });

  it("[DS6] BeginLink refuses bad keys, a bad signature and a long name, storing nothing", async () => {
    const device = await WireDevice.connect(url);
    const valid = {
      signatureKey: device.keys.publicKey,
      hpkePublicKey: new Uint8Array(32).fill(5),
      deviceName: "laptop",
      signature: sign(device.keys.privateKey, device.challenge),
    };
    const bad = async (change: Partial<typeof valid>) =>
      (await device.error({ case: "beginLink", value: { ...valid, ...change } })).code;
    expect(await bad({ signatureKey: new Uint8Array(31) })).toBe("INVALID_ARGUMENT");
    expect(await bad({ hpkePublicKey: new Uint8Array(33) })).toBe("INVALID_ARGUMENT");
    expect(await bad({ deviceName: "x".repeat(65) })).toBe("INVALID_ARGUMENT");
    // [DIR11] bidi overrides and control characters are refused too.
    expect(await bad({ deviceName: "lap\u202Epot" })).toBe("INVALID_ARGUMENT");
    expect(await bad({ deviceName: "lap\ntop" })).toBe("INVALID_ARGUMENT");
    expect(await bad({ signature: new Uint8Array(64) })).toBe("BAD_SIGNATURE");
    expect(await bad({ signatureKey: newKeys().publicKey })).toBe("BAD_SIGNATURE");
    // Nothing was kept: the same connection may still begin its one link.
    const begun = await device.ok("beginLink", { case: "beginLink", value: valid });
    expect(Number(begun.expiresAt)).toBe(hub.clock.now + LINK_LIFETIME_MS);
  });

  it("[DIR5] a wrong or malformed code is NOT_FOUND, for looking up and for approving", async () => {
    const alice = await WireDevice.register(url, ALICE);
    const { code } = await beginLink(url);
    const wrong = code.startsWith("A") ? "BBBBB-BBBBB" : "AAAAA-AAAAA";
    for (const typed of [wrong, "not a code", ""]) {
      expect((await alice.error({ case: "getLink", value: { code: typed } })).code).toBe("NOT_FOUND");
      const approve = await approveOp(alice, code);
      if (approve.case !== "approveLink") throw new Error("unreachable");
      const refused = await alice.error({ case: "approveLink", value: { ...approve.value, code: typed } });
      expect(refused.code).toBe("NOT_FOUND");
    }
    expect(await hub.store.listDevices(ALICE)).toHaveLength(1);
  });

  it("[DIR5] an expired code is LINK_EXPIRED and approves nothing", async () => {
    const alice = await WireDevice.register(url, ALICE);
    const { code, device: laptop } = await beginLink(url);
    const approve = await approveOp(alice, code, { approvedAt: hub.clock.now });
    hub.clock.now += LINK_LIFETIME_MS;
    expect((await alice.error({ case: "getLink", value: { code } })).code).toBe("LINK_EXPIRED");
    expect((await alice.error(approve)).code).toBe("LINK_EXPIRED");
    expect(await hub.store.listDevices(ALICE)).toHaveLength(1);
    expect(await hub.store.getDevice(laptop.deviceId)).toBeUndefined();
  });

  it("[DIR5] a forged approval is BAD_SIGNATURE and stores nothing; an approval far from the hub's clock is refused", async () => {
    const alice = await WireDevice.register(url, ALICE);
    const { code, device: laptop } = await beginLink(url);
    const forged = await approveOp(alice, code, { signer: newKeys().privateKey });
    expect((await alice.error(forged)).code).toBe("BAD_SIGNATURE");
    // Signed for another account's address, by alice's key: also not an approval for alice.
    const bob = await WireDevice.register(url, "bob@instagram");
    const alicesForBob = await approveOp(bob, code, { signer: alice.keys.privateKey });
    expect((await bob.error(alicesForBob)).code).toBe("BAD_SIGNATURE");
    const stale = await approveOp(alice, code, { approvedAt: hub.clock.now - 11 * 60 * 1000 });
    expect((await alice.error(stale)).code).toBe("INVALID_ARGUMENT");
    const empty = await approveOp(alice, code, { envelope: new Uint8Array() });
    expect((await alice.error(empty)).code).toBe("INVALID_ARGUMENT");
    const big = await approveOp(alice, code, { envelope: new Uint8Array(256 * 1024 + 1) });
    expect((await alice.error(big)).code).toBe("TOO_LARGE");

    expect(await hub.store.getDevice(laptop.deviceId)).toBeUndefined();
    expect(await hub.store.listDevices(ALICE)).toHaveLength(1);
    expect(laptop.client.frames.filter((f) => f.body.case === "push")).toEqual([]);
    // The link is still there for a real approval.
    await alice.ok("approveLink", await approveOp(alice, code));
  });

  it(`[DIR6] an account has at most its app's number of devices (default ${DEFAULT_MAX_DEVICES})`, async () => {
    const alice = await WireDevice.register(url, ALICE);
    for (let i = 2; i <= DEFAULT_MAX_DEVICES; i++) await linkDevice(url, alice, `device ${i}`);
    const { code, device } = await beginLink(url);
    const refused = await alice.error(await approveOp(alice, code));
    expect(refused.code).toBe("DEVICE_LIMIT");
    expect(refused.message).toBe(
      `${ALICE} has ${DEFAULT_MAX_DEVICES} devices, the most Instagram allows; revoke one first`,
    );
    expect(await hub.store.getDevice(device.deviceId)).toBeUndefined();
  });
});

describe("an app's own device limit", () => {
  it("[DIR6] applies the app's maxDevices, and a revoked device frees a place", async () => {
    const apps: AppConfig[] = DEMO_APPS.map((a) => (a.id === "whatsapp" ? { ...a, maxDevices: 2 } : a));
    const hub = await startDeviceHub(apps);
    try {
      const bob = await WireDevice.register(hub.hub.url, "+14155550100@whatsapp");
      const second = await linkDevice(hub.hub.url, bob);
      const third = await beginLink(hub.hub.url);
      const refused = await bob.error(await approveOp(bob, third.code));
      expect(refused).toMatchObject({ code: "DEVICE_LIMIT" });
      expect(refused.message).toContain("2 devices, the most WhatsApp allows");
      await bob.ok("revokeDevice", revokeOp(bob, second.deviceId));
      await bob.ok("approveLink", await approveOp(bob, third.code));
    } finally {
      await hub.close();
    }
  });
});
