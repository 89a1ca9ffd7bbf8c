/** Key packages at the directory: top-up signals, and the refs of what the hub still holds (SPEC DIR13). */
import { ed25519 } from "@noble/curves/ed25519.js";
import { decodeMlsMessage, defaultCryptoProvider, getCiphersuiteFromName, getCiphersuiteImpl } from "ts-mls";
import { makeKeyPackageRef } from "ts-mls/keyPackage.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LIMITS, authChallengeMessage, toHex } from "@switchboard/protocol";
import type { Caller } from "../../src/caller.js";
import { DEMO_APPS } from "../../src/config/apps.js";
import { AppRegistry } from "../../src/directory/apps.js";
import { Directory } from "../../src/directory/directory.js";
import { DEFAULT_VERIFICATION_SETTINGS, VerificationCodes } from "../../src/directory/verificationCodes.js";
import { keyPackageRef } from "../../src/mls/keyPackageRef.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import type { Store } from "../../src/store/port.js";
import { MlsMember } from "../devices/mlsMember.js";

const challenge = new Uint8Array(32).fill(7);

describe("key packages at the directory", () => {
  let store: Store;
  let directory: Directory;
  let low: { deviceId: string; remaining: number }[];
  beforeEach(() => {
    store = openSqliteStore({ path: ":memory:" });
    low = [];
    const codes = new VerificationCodes(
      store,
      () => 1_000,
      DEFAULT_VERIFICATION_SETTINGS,
      () => undefined,
    );
    directory = new Directory(store, new AppRegistry(DEMO_APPS), () => 1_000, codes, {
      keyPackagesLow: (deviceId, remaining) => low.push({ deviceId, remaining }),
    });
  });
  afterEach(() => store.close());

  async function register(address: string): Promise<{ caller: Caller; member: MlsMember }> {
    const privateKey = ed25519.utils.randomSecretKey();
    const publicKey = ed25519.getPublicKey(privateKey);
    const caller = await directory.register(challenge, {
      address,
      displayName: "",
      signatureKey: publicKey,
      signature: ed25519.sign(authChallengeMessage(challenge), privateKey),
      verificationCode: "",
    });
    return { caller, member: new MlsMember(caller.address, caller.deviceId, { publicKey, privateKey }) };
  }

  it("[DIR13] the owner is told to top up when its one-time packages run low, and each time its last-resort one is served", async () => {
    const { caller: bob } = await register("bob@instagram");
    const { caller: eve } = await register("eve@instagram");
    const n = LIMITS.keyPackagesLowWater + 2;
    await store.addKeyPackages(
      bob.deviceId,
      Array.from({ length: n }, (_, i) => new Uint8Array([i])),
      new Uint8Array([255]),
    );
    for (let i = 0; i < 2; i++) await directory.claimKeyPackages(eve, bob.address);
    expect(low).toEqual([]);
    const rest: boolean[] = [];
    for (let i = 0; i < LIMITS.keyPackagesLowWater + 2; i++)
      rest.push((await directory.claimKeyPackages(eve, bob.address)).claimed[0]!.lastResort);
    expect(rest).toEqual([...Array(LIMITS.keyPackagesLowWater).fill(false), true, true]);
    expect(low.map((l) => l.remaining)).toEqual([
      ...Array.from({ length: LIMITS.keyPackagesLowWater }, (_, i) => LIMITS.keyPackagesLowWater - 1 - i),
      0,
      0,
    ]);
    expect(low.every((l) => l.deviceId === bob.deviceId)).toBe(true);
  });

  it("[DIR13] lists the KeyPackageRefs (RFC 9420 §5.2) of the caller's unclaimed one-time packages, as ts-mls computes them", async () => {
    const { caller: bob, member } = await register("bob@instagram");
    const { caller: eve } = await register("eve@instagram");
    const packages = [await member.keyPackage(), await member.keyPackage(), await member.keyPackage()];
    await directory.uploadKeyPackages(bob, packages, null);
    await directory.claimKeyPackages(eve, bob.address);
    const cs = await getCiphersuiteImpl(
      getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"),
      defaultCryptoProvider,
    );
    const expected = await Promise.all(
      packages.slice(1).map(async (bytes) => {
        const message = decodeMlsMessage(bytes, 0)![0];
        if (message.wireformat !== "mls_key_package") throw new Error("not a key package");
        return toHex(await makeKeyPackageRef(message.keyPackage, cs.hash));
      }),
    );
    expect((await directory.unclaimedKeyPackageRefs(bob)).map(toHex)).toEqual(expected);
    expect(packages.slice(1).map((p) => toHex(keyPackageRef(p)))).toEqual(expected);
    expect(await directory.unclaimedKeyPackageRefs(eve)).toEqual([]);
  });
});
