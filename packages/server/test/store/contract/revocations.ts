import { describe, expect, it } from "vitest";
import type { StoreHarness } from "./fixtures.js";
import { T0, expectBytes, newAccount, newDevice, utf8 } from "./fixtures.js";

export function revocationContract(h: () => StoreHarness): void {
  describe("signed revocations", () => {
    it("[DIR14] revokeDevice keeps the signed revocation; getRevocation gives it back", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const phone = await newDevice(store, alice.address, "alice-phone");
      const proof = { revokerDeviceId: alice.deviceId, revokedAt: T0 + 7, signature: utf8("sig".repeat(20)) };
      expect(await store.revokeDevice(phone, T0 + 9, proof)).toBe(true);
      const kept = await store.getRevocation(phone);
      expect(kept).toMatchObject({ revokerDeviceId: alice.deviceId, revokedAt: T0 + 7 });
      expectBytes(kept?.signature, proof.signature);
      expect((await store.getDevice(phone))?.revokedAt).toBe(T0 + 9);
      // Revoking again changes nothing, the proof included.
      expect(await store.revokeDevice(phone, T0 + 20, { ...proof, revokedAt: T0 + 19 })).toBe(false);
      expect((await store.getRevocation(phone))?.revokedAt).toBe(T0 + 7);
    });

    it("[DIR14] a device revoked without a proof, active or unknown, has no revocation", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const phone = await newDevice(store, alice.address, "alice-phone");
      expect(await store.getRevocation(phone)).toBeUndefined();
      expect(await store.revokeDevice(phone, T0 + 1)).toBe(true);
      expect(await store.getRevocation(phone)).toBeUndefined();
      expect(await store.getRevocation("nobody")).toBeUndefined();
    });

    it("[DIR15] recordRevocationProof adds a proof to a device revoked without one, once", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const phone = await newDevice(store, alice.address, "alice-phone");
      const proof = { revokerDeviceId: alice.deviceId, revokedAt: T0 + 3, signature: utf8("sig".repeat(20)) };
      // Not revoked yet: nothing to prove.
      expect(await store.recordRevocationProof(phone, proof)).toBe(false);
      expect(await store.recordRevocationProof("nobody", proof)).toBe(false);
      expect(await store.revokeDevice(phone, T0 + 1)).toBe(true);
      expect(await store.recordRevocationProof(phone, proof)).toBe(true);
      const kept = await store.getRevocation(phone);
      expect(kept).toMatchObject({ revokerDeviceId: alice.deviceId, revokedAt: T0 + 3 });
      expectBytes(kept?.signature, proof.signature);
      // The revocation time stays the hub's, and a proof is never replaced.
      expect((await store.getDevice(phone))?.revokedAt).toBe(T0 + 1);
      expect(await store.recordRevocationProof(phone, { ...proof, revokedAt: T0 + 4 })).toBe(false);
      expect((await store.getRevocation(phone))?.revokedAt).toBe(T0 + 3);
    });
  });
}
