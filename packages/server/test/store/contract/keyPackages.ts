import { describe, expect, it } from "vitest";
import type { StoreHarness } from "./fixtures.js";
import { expectBytes, hex, newAccount, newDevice, utf8 } from "./fixtures.js";

const packages = (prefix: string, n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => utf8(`${prefix}${i}`));

export function keyPackageContract(h: () => StoreHarness): void {
  describe("key packages", () => {
    it("[ST3] addKeyPackages adds a batch and answers the one-time count (last-resort not counted)", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      expect(await store.countKeyPackages(alice.deviceId)).toBe(0);
      expect(await store.addKeyPackages(alice.deviceId, packages("a", 3), utf8("last"))).toBe(3);
      expect(await store.addKeyPackages(alice.deviceId, packages("b", 2), null)).toBe(5);
      expect(await store.countKeyPackages(alice.deviceId)).toBe(5);
    });

    it("[ST3] a claim hands out one-time packages oldest first and deletes them", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await store.addKeyPackages(alice.deviceId, packages("kp", 2), utf8("last"));
      const first = await store.claimKeyPackages(alice.address);
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ deviceId: alice.deviceId, lastResort: false });
      expectBytes(first[0]?.keyPackage, utf8("kp0"));
      const second = await store.claimKeyPackages(alice.address);
      expectBytes(second[0]?.keyPackage, utf8("kp1"));
      expect(await store.countKeyPackages(alice.deviceId)).toBe(0);
    });

    it("[ST3] with no one-time package left the last-resort one is handed out, and kept", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await store.addKeyPackages(alice.deviceId, [], utf8("last-1"));
      for (let i = 0; i < 3; i++) {
        const claimed = await store.claimKeyPackages(alice.address);
        expect(claimed).toHaveLength(1);
        expect(claimed[0]?.lastResort).toBe(true);
        expectBytes(claimed[0]?.keyPackage, utf8("last-1"));
      }
    });

    it("[ST3] a new last-resort package replaces the old one", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await store.addKeyPackages(alice.deviceId, [], utf8("old"));
      await store.addKeyPackages(alice.deviceId, [], utf8("new"));
      const claimed = await store.claimKeyPackages(alice.address);
      expect(claimed).toHaveLength(1);
      expectBytes(claimed[0]?.keyPackage, utf8("new"));
    });

    it("[ST3] a claim takes one package per active device; devices with none, and revoked devices, are left out", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-2", 1);
      await newDevice(store, alice.address, "alice-3", 2);
      await newDevice(store, alice.address, "alice-4", 3);
      await store.addKeyPackages("alice-1", packages("one", 2), null);
      await store.addKeyPackages("alice-2", [], utf8("two-last"));
      await store.addKeyPackages("alice-4", packages("four", 1), null);
      await store.revokeDevice("alice-4", 10);
      const claimed = await store.claimKeyPackages(alice.address);
      expect(claimed.map((c) => [c.deviceId, c.lastResort]).sort()).toEqual([
        ["alice-1", false],
        ["alice-2", true],
      ]);
      expect(await store.countKeyPackages("alice-1")).toBe(1);
    });

    it("[ST19] a claim naming devices takes packages only for those active devices of the account", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      await newDevice(store, alice.address, "alice-2", 1);
      await newDevice(store, alice.address, "alice-3", 2);
      for (const device of ["alice-1", "alice-2", "alice-3", bob.deviceId])
        await store.addKeyPackages(device, packages(device, 2), null);
      await store.revokeDevice("alice-3", 10);

      const claimed = await store.claimKeyPackages(alice.address, [
        "alice-2",
        "alice-3",
        bob.deviceId,
        "ghost",
      ]);
      expect(claimed.map((c) => [c.deviceId, c.lastResort])).toEqual([["alice-2", false]]);
      expectBytes(claimed[0]?.keyPackage, utf8("alice-20"));
      expect(await store.countKeyPackages("alice-1")).toBe(2);
      expect(await store.countKeyPackages("alice-2")).toBe(1);
      expect(await store.countKeyPackages(bob.deviceId)).toBe(2);
      expect(await store.claimKeyPackages(alice.address, [])).toEqual([]);
      expect((await store.claimKeyPackages(alice.address)).map((c) => c.deviceId).sort()).toEqual([
        "alice-1",
        "alice-2",
      ]);
    });

    it("[ST3] claiming for an unknown address hands out nothing", async () => {
      const { store } = h();
      expect(await store.claimKeyPackages("nobody@test")).toEqual([]);
    });

    it("[ST4] concurrent claims never hand out the same one-time package twice", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await store.addKeyPackages(alice.deviceId, packages("kp", 20), utf8("last"));
      const claims = await Promise.all(
        Array.from({ length: 50 }, () => store.claimKeyPackages(alice.address)),
      );
      const handedOut = claims.map((c) => {
        expect(c).toHaveLength(1);
        return c[0]!;
      });
      const oneTime = handedOut.filter((c) => !c.lastResort).map((c) => hex(c.keyPackage));
      expect(oneTime).toHaveLength(20);
      expect(new Set(oneTime).size).toBe(20);
      expect(handedOut.filter((c) => c.lastResort)).toHaveLength(30);
      expect(await store.countKeyPackages(alice.deviceId)).toBe(0);
    });

    it("[ST3] the last-resort package is handed out only once the one-time ones are gone, and not after a top-up", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await store.addKeyPackages(alice.deviceId, packages("a", 3), utf8("last"));
      for (let i = 0; i < 3; i++)
        expect((await store.claimKeyPackages(alice.address))[0]?.lastResort).toBe(false);
      expect((await store.claimKeyPackages(alice.address))[0]?.lastResort).toBe(true);
      await store.addKeyPackages(alice.deviceId, packages("b", 1), null);
      const topped = await store.claimKeyPackages(alice.address);
      expect(topped[0]?.lastResort).toBe(false);
      expectBytes(topped[0]?.keyPackage, utf8("b0"));
    });

    it("[ST25] listKeyPackages lists a device's unclaimed one-time packages, oldest first, without the last-resort one", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const second = await newDevice(store, alice.address, "alice-2");
      expect(await store.listKeyPackages(alice.deviceId)).toEqual([]);
      await store.addKeyPackages(alice.deviceId, packages("a", 3), utf8("last"));
      await store.addKeyPackages(second, packages("b", 2), null);
      await store.claimKeyPackages(alice.address);
      const listed = await store.listKeyPackages(alice.deviceId);
      expect(listed.map(hex)).toEqual([hex(utf8("a1")), hex(utf8("a2"))]);
      listed.forEach((kp) => expect(kp).toBeInstanceOf(Uint8Array));
      expect((await store.listKeyPackages(second)).map(hex)).toEqual([hex(utf8("b1"))]);
      expect(await store.listKeyPackages("nobody-1")).toEqual([]);
    });
  });
}
