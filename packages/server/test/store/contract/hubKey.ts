import { describe, expect, it } from "vitest";
import type { HubSigningKey } from "../../../src/store/port.js";
import type { StoreHarness } from "./fixtures.js";
import { expectBytes, hex } from "./fixtures.js";

function candidate(seed: number): HubSigningKey {
  return {
    publicKey: Uint8Array.from({ length: 32 }, (_, i) => (seed + i) & 0xff),
    privateKey: Uint8Array.from({ length: 32 }, (_, i) => (seed * 7 + i * 3) & 0xff),
  };
}

export function hubKeyContract(h: () => StoreHarness): void {
  describe("the hub's signing key", () => {
    it("[ST20] the first candidate is stored; later callers get it back, not their own", async () => {
      const { store } = h();
      const first = candidate(1);
      const stored = await store.hubSigningKey(first);
      expectBytes(stored.publicKey, first.publicKey);
      expectBytes(stored.privateKey, first.privateKey);
      const later = await store.hubSigningKey(candidate(2));
      expectBytes(later.publicKey, first.publicKey);
      expectBytes(later.privateKey, first.privateKey);
    });

    it("[ST20] concurrent callers with different candidates all get the same key", async () => {
      const { store } = h();
      const keys = await Promise.all(
        Array.from({ length: 5 }, (_, i) => store.hubSigningKey(candidate(i + 10))),
      );
      const publics = new Set(keys.map((k) => hex(k.publicKey)));
      const privates = new Set(keys.map((k) => hex(k.privateKey)));
      expect(publics.size).toBe(1);
      expect(privates.size).toBe(1);
      // It is one of the candidates, whole: never one's public half with another's private half.
      const winner = Array.from({ length: 5 }, (_, i) => candidate(i + 10)).find(
        (c) => publics.has(hex(c.publicKey)) && privates.has(hex(c.privateKey)),
      );
      expect(winner).toBeDefined();
    });

    it("[DS2] the key is the same after close and reopen", async () => {
      const harness = h();
      const first = await harness.store.hubSigningKey(candidate(1));
      await harness.store.close();
      const reopened = await harness.reopen();
      const again = await reopened.hubSigningKey(candidate(2));
      expectBytes(again.publicKey, first.publicKey);
      expectBytes(again.privateKey, first.privateKey);
    });

    it("[ST27] settleHubKey records the first public key and answers it to every later caller", async () => {
      const { store } = h();
      expect(await store.readHubKey()).toBeUndefined();
      const [a, b] = [candidate(1), candidate(2)];
      expectBytes(await store.settleHubKey(a.publicKey), a.publicKey);
      expectBytes(await store.settleHubKey(b.publicKey), a.publicKey);
      const settled = await Promise.all([3, 4, 5].map((i) => store.settleHubKey(candidate(i).publicKey)));
      for (const key of settled) expectBytes(key, a.publicKey);
      const row = await store.readHubKey();
      expectBytes(row?.publicKey, a.publicKey);
      expect(row?.privateKey).toBeNull();
    });

    it("[ST27] a private key an older version stored is readable, and deleted once its public key is settled", async () => {
      const { store } = h();
      const legacy = candidate(1);
      await store.hubSigningKey(legacy);
      const before = await store.readHubKey();
      expectBytes(before?.privateKey ?? undefined, legacy.privateKey);
      // Another key's settlement does not touch it.
      expectBytes(await store.settleHubKey(candidate(2).publicKey), legacy.publicKey);
      expectBytes((await store.readHubKey())?.privateKey ?? undefined, legacy.privateKey);
      expectBytes(await store.settleHubKey(legacy.publicKey), legacy.publicKey);
      const after = await store.readHubKey();
      expectBytes(after?.publicKey, legacy.publicKey);
      expect(after?.privateKey).toBeNull();
    });
  });
}
