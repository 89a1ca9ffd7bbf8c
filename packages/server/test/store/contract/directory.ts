import { describe, expect, it } from "vitest";
import type { StoreHarness } from "./fixtures.js";
import { NO_LIMIT, T0, expectBytes, newAccount, newDevice, signatureKey } from "./fixtures.js";

export function directoryContract(h: () => StoreHarness): void {
  describe("accounts and devices", () => {
    it("[ST1] createAccount stores the account with its first device", async () => {
      const { store } = h();
      const key = signatureKey(42);
      const result = await store.createAccount(
        { address: "alice@test", app: "test", displayName: "Alice", createdAt: T0 },
        { id: "alice-1", signatureKey: key, createdAt: T0 + 5 },
      );
      expect(result).toBe("created");
      expect(await store.getAccount("alice@test")).toEqual({
        address: "alice@test",
        app: "test",
        displayName: "Alice",
        createdAt: T0,
      });
      const device = await store.getDevice("alice-1");
      expect(device).toMatchObject({
        id: "alice-1",
        address: "alice@test",
        createdAt: T0 + 5,
        lastSeenAt: T0 + 5,
        revokedAt: null,
      });
      expectBytes(device?.signatureKey, key);
    });

    it("[ST1] getAccount and getDevice answer undefined for unknown ids", async () => {
      const { store } = h();
      expect(await store.getAccount("nobody@test")).toBeUndefined();
      expect(await store.getDevice("nothing")).toBeUndefined();
      expect(await store.listDevices("nobody@test")).toEqual([]);
    });

    it("[ST1] createAccount refuses a taken address and creates no device", async () => {
      const { store } = h();
      await newAccount(store, "alice");
      const result = await store.createAccount(
        { address: "alice@test", app: "test", displayName: "Impostor", createdAt: T0 + 1 },
        { id: "other-1", signatureKey: signatureKey(1), createdAt: T0 + 1 },
      );
      expect(result).toBe("address_taken");
      expect((await store.getAccount("alice@test"))?.displayName).toBe("alice");
      expect(await store.getDevice("other-1")).toBeUndefined();
    });

    it("[ST1] createAccount refuses a taken device id and creates no account", async () => {
      const { store } = h();
      await newAccount(store, "alice");
      const result = await store.createAccount(
        { address: "bob@test", app: "test", displayName: "Bob", createdAt: T0 },
        { id: "alice-1", signatureKey: signatureKey(1), createdAt: T0 },
      );
      expect(result).toBe("device_taken");
      expect(await store.getAccount("bob@test")).toBeUndefined();
      expect((await store.getDevice("alice-1"))?.address).toBe("alice@test");
    });

    it("[ST1] of concurrent createAccount calls for one address exactly one wins", async () => {
      const { store } = h();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.createAccount(
            { address: "race@test", app: "test", displayName: `r${i}`, createdAt: T0 },
            { id: `race-${i}`, signatureKey: signatureKey(i), createdAt: T0 },
          ),
        ),
      );
      expect(results.filter((r) => r === "created")).toHaveLength(1);
      expect(results.filter((r) => r === "address_taken")).toHaveLength(9);
      expect(await store.listDevices("race@test")).toHaveLength(1);
    });

    it("[ST2] listDevices lists the account's devices oldest first", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newAccount(store, "bob");
      await newDevice(store, alice.address, "alice-3", T0 + 20);
      await newDevice(store, alice.address, "alice-2", T0 + 10);
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual([
        "alice-1",
        "alice-2",
        "alice-3",
      ]);
    });

    it("[ST2] addDevice refuses a taken device id and an unknown account", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newAccount(store, "bob");
      expect(
        await store.addDevice(
          alice.address,
          { id: "bob-1", signatureKey: signatureKey(1), createdAt: T0 },
          NO_LIMIT,
        ),
      ).toBe("device_taken");
      expect(
        await store.addDevice(
          "nobody@test",
          { id: "x-1", signatureKey: signatureKey(1), createdAt: T0 },
          NO_LIMIT,
        ),
      ).toBe("unknown_account");
      expect(await store.getDevice("x-1")).toBeUndefined();
    });

    it("[ST2] revoked devices are left out of listDevices but keep their record", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      await newDevice(store, alice.address, "alice-2", T0 + 1);
      expect(await store.revokeDevice("alice-1", T0 + 50)).toBe(true);
      expect(await store.revokeDevice("alice-1", T0 + 60)).toBe(false);
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual(["alice-2"]);
      expect((await store.getDevice("alice-1"))?.revokedAt).toBe(T0 + 50);
    });

    it("[ST2] touchDevice moves lastSeenAt and nothing else", async () => {
      const { store } = h();
      await newAccount(store, "alice");
      await store.touchDevice("alice-1", T0 + 1000);
      expect(await store.getDevice("alice-1")).toMatchObject({
        createdAt: T0,
        lastSeenAt: T0 + 1000,
        revokedAt: null,
      });
    });
  });
}
