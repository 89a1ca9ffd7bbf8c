/** The device's identity and its key packages' private halves. */
import { describe, expect, it } from "vitest";
import { bytes, identity, keyPackage } from "../fixtures.js";
import type { ContractContext } from "./context.js";

export function describeIdentityAndKeyPackages(ctx: ContractContext): void {
  describe("identity", () => {
    it("a new store has no identity", async () => {
      expect(await ctx.store().getIdentity()).toBeUndefined();
    });

    it("an identity round-trips with every field", async () => {
      const stored = identity();
      await ctx.store().write([{ kind: "identity", identity: stored }]);
      expect(await ctx.store().getIdentity()).toEqual(identity());
    });

    it("[LS3] a second identity write replaces the first", async () => {
      const store = ctx.store();
      await store.write([{ kind: "identity", identity: identity() }]);
      const next = identity({ displayName: "Alice (work)", signaturePrivateKey: bytes(99), createdAt: 5 });
      await store.write([{ kind: "identity", identity: next }]);
      expect(await store.getIdentity()).toEqual(next);
    });
  });

  describe("key packages", () => {
    it("a new store counts no key packages", async () => {
      expect(await ctx.store().countKeyPackages()).toEqual({ oneTime: 0, lastResort: 0 });
      expect(await ctx.store().getKeyPackage("nope")).toBeUndefined();
    });

    it("put, get and count tell one-time from last-resort packages", async () => {
      const store = ctx.store();
      const packages = [
        keyPackage("aa01"),
        keyPackage("aa02"),
        keyPackage("aa03"),
        keyPackage("ff00", { lastResort: true }),
      ];
      await store.write([{ kind: "putKeyPackages", keyPackages: packages }]);
      for (const expected of packages) expect(await store.getKeyPackage(expected.ref)).toEqual(expected);
      expect(await store.countKeyPackages()).toEqual({ oneTime: 3, lastResort: 1 });
    });

    it("delete removes one package and lowers its own count", async () => {
      const store = ctx.store();
      await store.write([
        {
          kind: "putKeyPackages",
          keyPackages: [keyPackage("aa01"), keyPackage("aa02"), keyPackage("ff00", { lastResort: true })],
        },
      ]);
      await store.write([{ kind: "deleteKeyPackage", ref: "aa01" }]);
      expect(await store.getKeyPackage("aa01")).toBeUndefined();
      expect(await store.getKeyPackage("aa02")).toEqual(keyPackage("aa02"));
      expect(await store.countKeyPackages()).toEqual({ oneTime: 1, lastResort: 1 });

      await store.write([{ kind: "deleteKeyPackage", ref: "ff00" }]);
      expect(await store.countKeyPackages()).toEqual({ oneTime: 1, lastResort: 0 });
    });

    it("listKeyPackages lists every package's ref, kind and time, oldest first, without secrets", async () => {
      const store = ctx.store();
      expect(await store.listKeyPackages()).toEqual([]);
      await store.write([
        {
          kind: "putKeyPackages",
          keyPackages: [
            keyPackage("bb02", { createdAt: 2 }),
            keyPackage("aa01", { createdAt: 2 }),
            keyPackage("ff00", { lastResort: true, createdAt: 1 }),
          ],
        },
      ]);
      await store.write([{ kind: "deleteKeyPackage", ref: "bb02" }]);
      expect(await store.listKeyPackages()).toEqual([
        { ref: "ff00", lastResort: true, createdAt: 1 },
        { ref: "aa01", lastResort: false, createdAt: 2 },
      ]);
    });

    it("[LS3] deleting a package that is not stored does nothing", async () => {
      const store = ctx.store();
      await store.write([{ kind: "putKeyPackages", keyPackages: [keyPackage("aa01")] }]);
      await store.write([{ kind: "deleteKeyPackage", ref: "bb02" }]);
      expect(await store.countKeyPackages()).toEqual({ oneTime: 1, lastResort: 0 });
    });

    it("[LS3] putting a package with a stored ref replaces it", async () => {
      const store = ctx.store();
      await store.write([{ kind: "putKeyPackages", keyPackages: [keyPackage("aa01")] }]);
      const replaced = keyPackage("aa01", { privateState: bytes(200, 10), lastResort: true, createdAt: 9 });
      await store.write([{ kind: "putKeyPackages", keyPackages: [replaced] }]);
      expect(await store.getKeyPackage("aa01")).toEqual(replaced);
      expect(await store.countKeyPackages()).toEqual({ oneTime: 0, lastResort: 1 });
    });

    it("an empty batch of packages changes nothing", async () => {
      await ctx.store().write([{ kind: "putKeyPackages", keyPackages: [] }]);
      expect(await ctx.store().countKeyPackages()).toEqual({ oneTime: 0, lastResort: 0 });
    });
  });
}
