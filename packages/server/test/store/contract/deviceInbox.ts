import { describe, expect, it } from "vitest";
import type { NewInboxItem } from "../../../src/store/port.js";
import type { StoreHarness } from "./fixtures.js";
import { NO_LIMIT, T0, commitOf, expectBytes, newAccount, newDevice, newGroup, utf8 } from "./fixtures.js";

function deviceMessage(deviceId: string, senderDeviceId: string, payload = utf8("sealed")): NewInboxItem {
  return {
    deviceId,
    kind: "device_message",
    payload,
    senderAddress: "alice@test",
    senderDeviceId,
    serverTime: T0 + 4,
  };
}

export function deviceInboxContract(h: () => StoreHarness): void {
  describe("device messages and inbox senders", () => {
    it("[ST18] putInbox puts a device message in an active device's inbox", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-2");
      const payload = Uint8Array.from([0, 1, 2, 255]);
      const item = await store.putInbox(deviceMessage("alice-2", alice.deviceId, payload));
      expect(item).toMatchObject({
        deviceId: "alice-2",
        kind: "device_message",
        conversationId: "",
        senderAddress: alice.address,
        senderDeviceId: alice.deviceId,
        serverTime: T0 + 4,
        seq: 0,
      });
      expectBytes(item?.payload, payload);
      expect(await store.readInbox("alice-2", 0, 10)).toEqual([item]);
      expect(await store.readInbox(alice.deviceId, 0, 10)).toEqual([]);
    });

    it("[ST18] putInbox answers undefined for an unknown or revoked device and stores nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-2");
      await store.revokeDevice("alice-2", T0 + 1);
      expect(await store.putInbox(deviceMessage("alice-2", alice.deviceId))).toBeUndefined();
      expect(await store.putInbox(deviceMessage("ghost-1", alice.deviceId))).toBeUndefined();
      expect(await store.readInbox("alice-2", 0, 10)).toEqual([]);
      expect(await store.readInbox("ghost-1", 0, 10)).toEqual([]);
    });

    it("[ST18] every kind of inbox item carries the device that caused it, in one id order", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await store.createLink({
        code: "CODE",
        deviceId: "alice-2",
        signatureKey: utf8("key"),
        hpkePublicKey: utf8("hpke"),
        deviceName: "",
        createdAt: T0,
        expiresAt: T0 + 1000,
      });
      await store.approveLink({
        code: "CODE",
        address: alice.address,
        device: { id: "alice-2", signatureKey: utf8("key"), createdAt: T0 + 1 },
        maxDevices: NO_LIMIT,
        envelope: utf8("envelope"),
        senderDeviceId: alice.deviceId,
        serverTime: T0 + 1,
      });
      await newGroup(store, "g1", bob);
      await store.commit(
        commitOf("g1", bob, {
          epoch: 0,
          clientMessageId: "add",
          membership: { addedDevices: ["alice-2"], addedAccounts: [alice.address] },
          welcome: utf8("welcome"),
        }),
      );
      await store.putInbox(deviceMessage("alice-2", alice.deviceId));
      const items = await store.readInbox("alice-2", 0, 10);
      expect(items.map((i) => [i.kind, i.conversationId, i.senderAddress, i.senderDeviceId, i.seq])).toEqual([
        ["link", "", alice.address, alice.deviceId, 0],
        ["welcome", "g1", bob.address, bob.deviceId, 1],
        ["device_message", "", alice.address, alice.deviceId, 0],
      ]);
      const ids = items.map((i) => i.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    });

    it("[ST8] device messages are acked like any other item, and ids are not reused", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-2");
      const first = await store.putInbox(deviceMessage("alice-2", alice.deviceId));
      await store.ackInbox("alice-2", first!.id);
      expect(await store.readInbox("alice-2", 0, 10)).toEqual([]);
      const second = await store.putInbox(deviceMessage("alice-2", alice.deviceId));
      expect(second!.id).toBeGreaterThan(first!.id);
    });
  });
}
