import { describe, expect, it } from "vitest";
import type { NewVerificationCode } from "../../../src/store/port.js";
import type { StoreHarness } from "./fixtures.js";
import { T0, expectBytes, newAccount, newDevice, signatureKey, utf8 } from "./fixtures.js";

const HOUR = 3_600_000;

function code(address: string, at: number, tag = "h"): NewVerificationCode {
  return {
    address,
    salt: utf8(`salt-${tag}`),
    codeHash: utf8(`hash-${tag}`),
    createdAt: at,
    expiresAt: at + 600_000,
  };
}

export function verificationContract(h: () => StoreHarness): void {
  describe("verification codes and account moves", () => {
    it("[ST23] an issued code is pending until it expires; each attempt is counted and answered", async () => {
      const { store } = h();
      expect(await store.attemptVerificationCode("a@test", T0)).toBeUndefined();
      expect(await store.issueVerificationCode(code("a@test", T0), T0 - HOUR, 3)).toBe("issued");
      const first = await store.attemptVerificationCode("a@test", T0 + 1);
      expect(first).toMatchObject({ address: "a@test", attempts: 1, createdAt: T0, expiresAt: T0 + 600_000 });
      expectBytes(first?.salt, utf8("salt-h"));
      expectBytes(first?.codeHash, utf8("hash-h"));
      const tries = await Promise.all([1, 2, 3].map(() => store.attemptVerificationCode("a@test", T0 + 2)));
      expect(tries.map((t) => t?.attempts).sort()).toEqual([2, 3, 4]);
      expect(await store.attemptVerificationCode("a@test", T0 + 600_000)).toBeUndefined();
      expect(await store.attemptVerificationCode("b@test", T0 + 1)).toBeUndefined();
    });

    it("[ST23] a consumed code is used up once; a newer code replaces an older one", async () => {
      const { store } = h();
      await store.issueVerificationCode(code("a@test", T0, "old"), T0 - HOUR, 3);
      await store.issueVerificationCode(code("a@test", T0 + 1, "new"), T0 + 1 - HOUR, 3);
      const pending = await store.attemptVerificationCode("a@test", T0 + 2);
      expectBytes(pending?.codeHash, utf8("hash-new"));
      expect(pending?.attempts).toBe(1);
      const used = await Promise.all([
        store.consumeVerificationCode(pending!.id),
        store.consumeVerificationCode(pending!.id),
      ]);
      expect(used.sort()).toEqual([false, true]);
      expect(await store.attemptVerificationCode("a@test", T0 + 3)).toBeUndefined();
    });

    it("[ST23] at most maxPerWindow codes per address since the window start, even when racing", async () => {
      const { store } = h();
      const results = await Promise.all(
        [0, 1, 2, 3, 4].map((i) => store.issueVerificationCode(code("a@test", T0 + i, `${i}`), T0 - HOUR, 3)),
      );
      expect(results.filter((r) => r === "issued")).toHaveLength(3);
      expect(await store.issueVerificationCode(code("b@test", T0), T0 - HOUR, 3)).toBe("issued");
      // An hour later the window has moved past them all.
      expect(await store.issueVerificationCode(code("a@test", T0 + HOUR + 10, "later"), T0 + 10, 3)).toBe(
        "issued",
      );
    });

    it("[ST24] moveAccount revokes every active device and adds the new one, atomically", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const second = await newDevice(store, alice.address, "alice-2", T0 + 1);
      await store.addKeyPackages(alice.deviceId, [utf8("kp")], utf8("last"));
      const moved = await store.moveAccount(
        alice.address,
        { id: "alice-new", signatureKey: signatureKey(99), createdAt: T0 + 5 },
        T0 + 5,
      );
      expect(moved.kind).toBe("moved");
      expect(moved.kind === "moved" && [...moved.revoked].sort()).toEqual([alice.deviceId, second].sort());
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual(["alice-new"]);
      expect((await store.getDevice(alice.deviceId))?.revokedAt).toBe(T0 + 5);
      expect(await store.getDevice("alice-new")).toMatchObject({
        approvedBy: null,
        revokedAt: null,
        createdAt: T0 + 5,
      });
      expect(await store.countKeyPackages(alice.deviceId)).toBe(0);
      expect(await store.claimKeyPackages(alice.address)).toEqual([]);
    });

    it("[ST24] moveAccount refuses an unknown account or a taken device id and changes nothing", async () => {
      const { store } = h();
      const alice = await newAccount(store, "alice");
      const bob = await newAccount(store, "bob");
      const device = { id: bob.deviceId, signatureKey: signatureKey(5), createdAt: T0 };
      expect(await store.moveAccount("nobody@test", { ...device, id: "x-1" }, T0)).toEqual({
        kind: "unknown_account",
      });
      expect(await store.moveAccount(alice.address, device, T0)).toEqual({ kind: "device_taken" });
      expect((await store.listDevices(alice.address)).map((d) => d.id)).toEqual([alice.deviceId]);
      expect((await store.getDevice(bob.deviceId))?.address).toBe(bob.address);
    });
  });
}
