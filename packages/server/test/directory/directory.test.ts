/** The directory over a real (in-memory SQLite) store: registration, login, reach policy, key packages. */
import { ed25519 } from "@noble/curves/ed25519.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authChallengeMessage } from "@switchboard/protocol";
import { DEMO_APPS, type AppConfig } from "../../src/config/apps.js";
import { AppRegistry } from "../../src/directory/apps.js";
import { Directory } from "../../src/directory/directory.js";
import { DEFAULT_VERIFICATION_SETTINGS, VerificationCodes } from "../../src/directory/verificationCodes.js";
import type { VerificationMessage } from "../../src/directory/verifier.js";
import { deviceIdOf } from "../../src/directory/signatures.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import type { Store } from "../../src/store/port.js";

const challenge = new Uint8Array(32).fill(7);

function device() {
  const privateKey = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(privateKey);
  return { publicKey, signature: ed25519.sign(authChallengeMessage(challenge), privateKey) };
}

const apps: AppConfig[] = [
  ...DEMO_APPS,
  {
    id: "vault",
    displayName: "Vault",
    brandColor: "#000000",
    identity: "username",
    reach: "closed",
    verification: "none",
    maxDevices: 5,
  },
  {
    id: "bank",
    displayName: "Bank",
    brandColor: "#000000",
    identity: "phone",
    reach: "open",
    verification: "log",
    maxDevices: 2,
  },
];

/** The codes the "bank" app's verifier was asked to deliver. */
const sent: VerificationMessage[] = [];

describe("directory", () => {
  let store: Store;
  let directory: Directory;
  const low: { deviceId: string; remaining: number }[] = [];
  beforeEach(() => {
    store = openSqliteStore({ path: ":memory:" });
    const codes = new VerificationCodes(
      store,
      () => 1_000,
      DEFAULT_VERIFICATION_SETTINGS,
      (app) => (app.verification === "none" ? undefined : { deliver: async (m) => void sent.push(m) }),
    );
    directory = new Directory(store, new AppRegistry(apps), () => 1_000, codes, {
      keyPackagesLow: (deviceId, remaining) => low.push({ deviceId, remaining }),
    });
  });
  afterEach(async () => {
    await store.close();
  });

  const register = (address: string, code = "") => {
    const d = device();
    return directory.register(challenge, {
      address,
      displayName: "",
      signatureKey: d.publicKey,
      signature: d.signature,
      verificationCode: code,
    });
  };

  it("[DIR2] registers under the normalised address", async () => {
    const caller = await register("  +44 20 7946 0958@WhatsApp");
    expect(caller.address).toBe("+442079460958@whatsapp");
    expect(await store.getAccount("+442079460958@whatsapp")).toMatchObject({ app: "whatsapp" });
  });

  it("[DIR1] refuses a taken address, an unknown app and a bad handle with typed errors", async () => {
    await register("alice@instagram");
    await expect(register("ALICE@instagram")).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    await expect(register("alice@myspace")).rejects.toMatchObject({ code: "UNKNOWN_APP" });
    await expect(register("not a phone@whatsapp")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("[DIR1] an app with verification needs the right code (pluggable verifier)", async () => {
    await expect(register("+14155550100@bank")).rejects.toMatchObject({ code: "VERIFICATION_REQUIRED" });
    await directory.requestVerificationCode("+1 415 555 0100@bank");
    const code = sent.at(-1)!.code;
    const wrong = code === "000000" ? "000001" : "000000";
    await expect(register("+14155550100@bank", wrong)).rejects.toMatchObject({
      code: "VERIFICATION_REQUIRED",
    });
    await expect(register("+14155550100@bank", code)).resolves.toMatchObject({
      address: "+14155550100@bank",
    });
  });

  it("[DIR11] the hub stores display names in NFC and refuses control and bidi characters", async () => {
    const named = (address: string, displayName: string) => {
      const d = device();
      return directory.register(challenge, {
        address,
        displayName,
        signatureKey: d.publicKey,
        signature: d.signature,
        verificationCode: "",
      });
    };
    await expect(named("eve@instagram", "admin\u202Egnp")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(named("eve@instagram", "a\u2066b")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(named("eve@instagram", "x".repeat(65))).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await store.getAccount("eve@instagram")).toBeUndefined();
    await named("eve@instagram", "Ame\u0301lie");
    expect((await store.getAccount("eve@instagram"))?.displayName).toBe("Am\u00e9lie");
  });

  it("[DIR4] [PP1] a closed app cannot be reached from other apps, and says so; from inside it can", async () => {
    const outsider = await register("eve@instagram");
    const insider = await register("bob@vault");
    await register("alice@vault");
    await expect(directory.claimKeyPackages(outsider, "alice@vault")).rejects.toMatchObject({
      code: "POLICY_DENIED",
    });
    // [PP1] the lookup says why, naming the app (not NOT_FOUND), for a missing account alike.
    for (const target of ["alice@vault", "nobody@vault"]) {
      await expect(directory.lookupAccount(outsider, target)).rejects.toMatchObject({
        code: "POLICY_DENIED",
        message: "Vault does not accept messages from other apps",
      });
    }
    await expect(directory.lookupAccount(insider, "nobody@vault")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    // alice has no key packages yet: the policy let bob through to that answer.
    await expect(directory.claimKeyPackages(insider, "alice@vault")).rejects.toMatchObject({
      code: "NO_KEY_PACKAGE",
    });
  });

  it("[PP1] a closed app's user who shares a conversation with the caller has devices it may list", async () => {
    const outsider = await register("eve@instagram");
    const insider = await register("bob@vault");
    await expect(directory.listDevices(outsider, "bob@vault")).rejects.toMatchObject({
      code: "POLICY_DENIED",
    });
    // bob (closed app) writes to eve (open app): eve must check bob's devices to read him.
    await store.createConversation({
      id: "c1",
      kind: "direct",
      createdAt: 1,
      creatorAddress: insider.address,
      creatorDeviceId: insider.deviceId,
      peerAddress: outsider.address,
      groupInfo: new Uint8Array([1]),
    });
    await store.commit({
      conversationId: "c1",
      senderDeviceId: insider.deviceId,
      senderAddress: insider.address,
      clientMessageId: "m1",
      epoch: 0,
      payload: new Uint8Array([1]),
      groupInfo: new Uint8Array([2]),
      welcome: new Uint8Array([3]),
      serverTime: 2,
      membership: {
        addedDevices: [outsider.deviceId],
        removedDevices: [],
        addedAccounts: [outsider.address],
        removedAccounts: [],
      },
    });
    const listed = await directory.listDevices(outsider, "bob@vault");
    expect(listed.devices.map((d) => d.id)).toEqual([insider.deviceId]);
    // Lookups still say the app is closed.
    await expect(directory.lookupAccount(outsider, "bob@vault")).rejects.toMatchObject({
      code: "POLICY_DENIED",
    });
  });

  it("[DIR1] a revoked device that proves its key is told DEVICE_REVOKED; unknown or forged stay BAD_SIGNATURE", async () => {
    const d = device();
    const first = await directory.register(challenge, {
      address: "alice@instagram",
      displayName: "",
      signatureKey: d.publicKey,
      signature: d.signature,
      verificationCode: "",
    });
    const second = device();
    const secondId = deviceIdOf(second.publicKey);
    await store.addDevice(
      "alice@instagram",
      { id: secondId, signatureKey: second.publicKey, createdAt: 1 },
      5,
    );
    await expect(directory.authenticate(challenge, secondId, second.signature)).resolves.toMatchObject({
      address: "alice@instagram",
    });
    await store.revokeDevice(secondId, 2);
    await expect(directory.authenticate(challenge, secondId, second.signature)).rejects.toMatchObject({
      code: "DEVICE_REVOKED",
    });
    await expect(directory.authenticate(challenge, secondId, d.signature)).rejects.toMatchObject({
      code: "BAD_SIGNATURE",
    });
    await expect(directory.authenticate(challenge, "a".repeat(26), d.signature)).rejects.toMatchObject({
      code: "BAD_SIGNATURE",
    });
    await expect(directory.authenticate(challenge, first.deviceId, d.signature)).resolves.toBeDefined();
  });

  it("[DIR3] refuses key packages that are not the uploading device's own", async () => {
    const caller = await register("alice@instagram");
    await expect(
      directory.uploadKeyPackages(caller, [new Uint8Array([1, 2, 3])], null),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      directory.uploadKeyPackages(
        caller,
        Array.from({ length: 201 }, () => new Uint8Array([1])),
        null,
      ),
    ).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(await store.countKeyPackages(caller.deviceId)).toBe(0);
    expect(low).toEqual([]);
  });
});
