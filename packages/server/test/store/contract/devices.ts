import { describe, expect, it } from "vitest";
import type { NewDevice } from "../../../src/store/port.js";
import type { StoreHarness } from "./fixtures.js";
import {
  NO_LIMIT,
  T0,
  commitOf,
  expectBytes,
  newAccount,
  newDevice,
  newGroup,
  signatureKey,
  utf8,
} from "./fixtures.js";

function device(id: string, at = T0): NewDevice {
  return { id, signatureKey: signatureKey(id.length), createdAt: at };
}

export function deviceContract(h: () => StoreHarness): void {
  describe("device limits and records", () => {
    it("[ST11] addDevice allows exactly maxDevices active devices and refuses the next with device_limit", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      expect(await store.addDevice(alice.address, device("alice-2"), 3)).toBe("added");
      expect(await store.addDevice(alice.address, device("alice-3"), 3)).toBe("added");
      expect(await store.addDevice(alice.address, device("alice-4"), 3)).toBe("device_limit");
      expect(await store.getDevice("alice-4")).toBeUndefined();
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual([
        "alice-1",
        "alice-2",
        "alice-3",
      ]);
    });

    it("[ST11] revoked devices do not count toward the limit", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      expect(await store.addDevice(alice.address, device("alice-2"), 2)).toBe("added");
      expect(await store.addDevice(alice.address, device("alice-3"), 2)).toBe("device_limit");
      expect(await store.revokeDevice("alice-1", T0 + 1)).toBe(true);
      expect(await store.addDevice(alice.address, device("alice-3"), 2)).toBe("added");
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual(["alice-2", "alice-3"]);
    });

    it("[ST11] the limit is per account", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newDevice(store, bob.address, "bob-2");
      expect(await store.addDevice(alice.address, device("alice-2"), 2)).toBe("added");
    });

    it("[ST11] concurrent addDevice calls never take an account past the limit", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.addDevice(alice.address, device(`alice-x${i}`), 3)),
      );
      expect(results.filter((r) => r === "added")).toHaveLength(2);
      expect(results.filter((r) => r === "device_limit")).toHaveLength(8);
      expect(await store.listDevices(alice.address)).toHaveLength(3);
    });

    it("[ST12] a first device has a name and no approval", async () => {
      const { store } = h();
      await store.createAccount(
        { address: "alice@test", app: "test", displayName: "Alice", createdAt: T0 },
        { ...device("alice-1"), name: "Alice's phone" },
      );
      await store.createAccount(
        { address: "bob@test", app: "test", displayName: "Bob", createdAt: T0 },
        device("bob-1"),
      );
      expect(await store.getDevice("alice-1")).toMatchObject({
        name: "Alice's phone",
        approvedBy: null,
        approval: null,
        approvedAt: null,
      });
      expect(await store.getDevice("bob-1")).toMatchObject({
        name: "",
        approvedBy: null,
        approval: null,
        approvedAt: null,
      });
    });

    it("[ST12] a linked device keeps its name, approver, approval signature and approval time", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const approval = Uint8Array.from({ length: 64 }, (_, i) => (i * 5 + 1) & 0xff);
      const added = await store.addDevice(
        alice.address,
        {
          ...device("alice-2", T0 + 10),
          name: "laptop",
          approvedBy: "alice-1",
          approval,
          approvedAt: T0 + 9,
        },
        NO_LIMIT,
      );
      expect(added).toBe("added");
      const stored = await store.getDevice("alice-2");
      expect(stored).toMatchObject({
        id: "alice-2",
        address: alice.address,
        createdAt: T0 + 10,
        lastSeenAt: T0 + 10,
        revokedAt: null,
        name: "laptop",
        approvedBy: "alice-1",
        approvedAt: T0 + 9,
      });
      expectBytes(stored?.approval ?? undefined, approval);
      const listed = (await store.listDevices(alice.address)).find((d) => d.id === "alice-2");
      expectBytes(listed?.approval ?? undefined, approval);
    });

    it("[ST12] listDevices with includeRevoked lists revoked devices too, oldest first", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-3", T0 + 20);
      await newDevice(store, alice.address, "alice-2", T0 + 10);
      await store.revokeDevice("alice-2", T0 + 30);
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual(["alice-1", "alice-3"]);
      expect((await store.listDevices(alice.address, { includeRevoked: false })).map((d) => d.id)).toEqual([
        "alice-1",
        "alice-3",
      ]);
      const all = await store.listDevices(alice.address, { includeRevoked: true });
      expect(all.map((d) => [d.id, d.revokedAt])).toEqual([
        ["alice-1", null],
        ["alice-2", T0 + 30],
        ["alice-3", null],
      ]);
    });
  });

  describe("revocation", () => {
    it("[ST17] revokeDevice drops the device's key packages and inbox but keeps its memberships", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-2");
      await newGroup(store, "g1", alice);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "add",
          membership: { addedDevices: ["alice-2"] },
          welcome: utf8("welcome"),
        }),
      );
      await store.addKeyPackages("alice-2", [utf8("kp0")], utf8("last"));
      expect(await store.readInbox("alice-2", 0, 10)).toHaveLength(1);

      expect(await store.revokeDevice("alice-2", T0 + 5)).toBe(true);
      expect(await store.countKeyPackages("alice-2")).toBe(0);
      expect(await store.claimKeyPackages(alice.address)).toEqual([]);
      expect(await store.readInbox("alice-2", 0, 10)).toEqual([]);
      expect(await store.getMembership("g1", "alice-2")).toEqual({ joinedSeq: 1 });
      expect((await store.listMembers("g1")).sort()).toEqual(["alice-1", "alice-2"]);
    });

    it("[ST17] revokedMembers lists a conversation's revoked member devices until a commit removes them", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newDevice(store, alice.address, "alice-2");
      await newDevice(store, alice.address, "alice-3");
      await newDevice(store, bob.address, "bob-2");
      await newGroup(store, "g1", alice);
      await newGroup(store, "g2", bob);
      await store.commit(
        commitOf("g1", alice, {
          epoch: 0,
          clientMessageId: "add",
          membership: { addedDevices: ["alice-2", "alice-3", bob.deviceId] },
        }),
      );
      expect(await store.revokedMembers("g1")).toEqual([]);
      await store.revokeDevice("alice-3", T0 + 1);
      await store.revokeDevice("alice-2", T0 + 2);
      // Revoked, but no member of g1: not listed there.
      await store.revokeDevice("bob-2", T0 + 3);
      expect(await store.revokedMembers("g1")).toEqual(["alice-2", "alice-3"]);
      expect(await store.revokedMembers("g2")).toEqual([]);

      await store.commit(
        commitOf("g1", alice, {
          epoch: 1,
          clientMessageId: "remove",
          membership: { removedDevices: ["alice-2"] },
        }),
      );
      expect(await store.revokedMembers("g1")).toEqual(["alice-3"]);
      expect(await store.revokedMembers("nope")).toEqual([]);
    });
  });
}
