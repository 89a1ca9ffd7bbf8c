import { describe, expect, it } from "vitest";
import type { LinkApproval, PendingLinkRecord, Store } from "../../../src/store/port.js";
import type { StoreHarness, TestAccount } from "./fixtures.js";
import { NO_LIMIT, T0, expectBytes, newAccount, newDevice, signatureKey, utf8 } from "./fixtures.js";

const LIFETIME = 600_000;

/** A link for new device `deviceId`, created at `createdAt` and live for `lifetime`. */
function link(code: string, deviceId: string, createdAt = T0, lifetime = LIFETIME): PendingLinkRecord {
  return {
    code,
    deviceId,
    signatureKey: signatureKey(deviceId.length + 100),
    hpkePublicKey: Uint8Array.from({ length: 32 }, (_, i) => (i * 3 + deviceId.length) & 0xff),
    deviceName: `${deviceId} laptop`,
    createdAt,
    expiresAt: createdAt + lifetime,
  };
}

/** What the hub builds when `approver` approves `pending`. */
function approval(
  pending: PendingLinkRecord,
  approver: TestAccount,
  maxDevices = NO_LIMIT,
  envelope = utf8(`envelope for ${pending.deviceId}`),
): LinkApproval {
  return {
    code: pending.code,
    address: approver.address,
    device: {
      id: pending.deviceId,
      signatureKey: pending.signatureKey,
      createdAt: T0 + 50,
      name: pending.deviceName,
      approvedBy: approver.deviceId,
      approval: Uint8Array.from({ length: 64 }, (_, i) => (255 - i) & 0xff),
      approvedAt: T0 + 49,
    },
    maxDevices,
    envelope,
    senderDeviceId: approver.deviceId,
    serverTime: T0 + 50,
  };
}

async function expectLinkKept(store: Store, pending: PendingLinkRecord): Promise<void> {
  expect((await store.getLink(pending.code))?.deviceId).toBe(pending.deviceId);
}

export function linkingContract(h: () => StoreHarness): void {
  describe("pending links", () => {
    it("[ST13] createLink stores a link that getLink returns as given", async () => {
      const { store } = h();
      const pending = link("ABCD-1234", "new-1");
      expect(await store.createLink(pending)).toBe("created");
      const stored = await store.getLink("ABCD-1234");
      expect(stored).toMatchObject({
        code: "ABCD-1234",
        deviceId: "new-1",
        deviceName: "new-1 laptop",
        createdAt: T0,
        expiresAt: T0 + LIFETIME,
      });
      expectBytes(stored?.signatureKey, pending.signatureKey);
      expectBytes(stored?.hpkePublicKey, pending.hpkePublicKey);
      expect(await store.getLink("ABCD-9999")).toBeUndefined();
    });

    it("[ST13] createLink refuses a code a live link holds, and keeps that link", async () => {
      const { store } = h();
      expect(await store.createLink(link("CODE", "first", T0, 100))).toBe("created");
      // One millisecond before the first link expires it is still live.
      expect(await store.createLink(link("CODE", "second", T0 + 99, 100))).toBe("code_taken");
      expect((await store.getLink("CODE"))?.deviceId).toBe("first");
    });

    it("[ST13] an expired link's code can be taken again, and the new link replaces it", async () => {
      const { store } = h();
      expect(await store.createLink(link("CODE", "first", T0, 100))).toBe("created");
      // A link is live while now < expiresAt: at expiresAt it has expired.
      expect(await store.createLink(link("CODE", "second", T0 + 100, 100))).toBe("created");
      expect(await store.getLink("CODE")).toMatchObject({
        deviceId: "second",
        createdAt: T0 + 100,
        expiresAt: T0 + 200,
      });
    });

    it("[ST13] getLink returns an expired link; telling expired from live is the caller's check", async () => {
      const { store } = h();
      await store.createLink(link("OLD", "old-1", T0, 1));
      expect((await store.getLink("OLD"))?.expiresAt).toBe(T0 + 1);
    });

    it("[ST13] deleteExpiredLinks drops the links expired by now and keeps the live ones", async () => {
      const { store } = h();
      await store.createLink(link("A", "a-1", T0, 10));
      await store.createLink(link("B", "b-1", T0, 20));
      await store.createLink(link("C", "c-1", T0, 30));
      await store.deleteExpiredLinks(T0 + 20);
      expect(await store.getLink("A")).toBeUndefined();
      expect(await store.getLink("B")).toBeUndefined();
      expect((await store.getLink("C"))?.deviceId).toBe("c-1");
    });

    it("[ST13] of concurrent createLink calls for one code exactly one wins", async () => {
      const { store } = h();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.createLink(link("RACE", `new-${i}`))),
      );
      expect(results.filter((r) => r === "created")).toHaveLength(1);
      expect(results.filter((r) => r === "code_taken")).toHaveLength(9);
      const winner = results.indexOf("created");
      expect((await store.getLink("RACE"))?.deviceId).toBe(`new-${winner}`);
    });
  });

  describe("approving a link", () => {
    it("[ST14] approveLink adds the device, deletes the link and puts the envelope in the new device's inbox", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const pending = link("CODE", "alice-new");
      await store.createLink(pending);
      const envelope = Uint8Array.from([9, 8, 7, 0, 255]);
      const request = approval(pending, alice, NO_LIMIT, envelope);

      const result = await store.approveLink(request);
      if (result.kind !== "approved") throw new Error(`expected approved, got ${result.kind}`);
      expect(result.inbox).toMatchObject({
        deviceId: "alice-new",
        kind: "link",
        conversationId: "",
        senderAddress: alice.address,
        senderDeviceId: alice.deviceId,
        serverTime: T0 + 50,
        seq: 0,
      });
      expectBytes(result.inbox.payload, envelope);
      expect(await store.readInbox("alice-new", 0, 10)).toEqual([result.inbox]);

      expect(await store.getLink("CODE")).toBeUndefined();
      const added = await store.getDevice("alice-new");
      expect(added).toMatchObject({
        address: alice.address,
        createdAt: T0 + 50,
        revokedAt: null,
        name: "alice-new laptop",
        approvedBy: alice.deviceId,
        approvedAt: T0 + 49,
      });
      expectBytes(added?.signatureKey, pending.signatureKey);
      expectBytes(added?.approval ?? undefined, request.device.approval!);
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual(["alice-1", "alice-new"]);
    });

    it("[ST14] approveLink for an unknown code is not_found and adds nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const result = await store.approveLink(approval(link("NONE", "ghost-1"), alice));
      expect(result).toEqual({ kind: "not_found" });
      expect(await store.getDevice("ghost-1")).toBeUndefined();
      expect(await store.readInbox("ghost-1", 0, 10)).toEqual([]);
    });

    it("[ST14] approveLink at the device limit answers device_limit and changes nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-2");
      const pending = link("CODE", "alice-new");
      await store.createLink(pending);

      expect(await store.approveLink(approval(pending, alice, 2))).toEqual({ kind: "device_limit" });
      await expectLinkKept(store, pending);
      expect(await store.getDevice("alice-new")).toBeUndefined();
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual(["alice-1", "alice-2"]);
      expect(await store.readInbox("alice-new", 0, 10)).toEqual([]);

      // The kept link can still be approved once a device is revoked.
      await store.revokeDevice("alice-2", T0 + 60);
      expect((await store.approveLink(approval(pending, alice, 2))).kind).toBe("approved");
    });

    it("[ST14] approveLink for a device id already registered answers device_taken and changes nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const pending = link("CODE", bob.deviceId);
      await store.createLink(pending);

      expect(await store.approveLink(approval(pending, alice))).toEqual({ kind: "device_taken" });
      await expectLinkKept(store, pending);
      expect(await store.getDevice(bob.deviceId)).toMatchObject({ address: bob.address, approvedBy: null });
      expect(await store.readInbox(bob.deviceId, 0, 10)).toEqual([]);
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual(["alice-1"]);
    });

    it("[ST14] of concurrent approvals of one link exactly one adds the device", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const pending = link("CODE", "alice-new");
      await store.createLink(pending);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.approveLink(approval(pending, alice))),
      );
      expect(results.filter((r) => r.kind === "approved")).toHaveLength(1);
      expect(results.filter((r) => r.kind === "not_found")).toHaveLength(4);
      expect(await store.readInbox("alice-new", 0, 10)).toHaveLength(1);
    });

    it("[ST10] approveLink naming an unknown account rejects and changes nothing", async () => {
      const { store } = h();
      const pending = link("CODE", "new-1");
      await store.createLink(pending);
      const orphan = approval(pending, { address: "nobody@test", deviceId: "nobody-1" });
      await expect(store.approveLink(orphan)).rejects.toThrow();
      await expectLinkKept(store, pending);
      expect(await store.getDevice("new-1")).toBeUndefined();
    });
  });
}
