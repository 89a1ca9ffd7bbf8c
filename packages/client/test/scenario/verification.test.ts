/**
 * Verified identities end to end (SPEC DIR9, DIR10): a real hub, real SDK
 * clients, an app that verifies phone numbers. Moving to a new phone is
 * proving the number again: the old phone is revoked and leaves its groups.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_APPS, type AppConfig, type VerificationMessage } from "@switchboard/server";
import { eventually, newClient, newDevice, startTestHub, texts, type TestHub } from "./harness.js";

const bank: AppConfig = {
  id: "bank",
  displayName: "Bank",
  brandColor: "#000000",
  identity: "phone",
  reach: "open",
  verification: "webhook",
  verificationWebhook: "http://127.0.0.1:9/unused",
  maxDevices: 3,
};
const ALICE = "+14155550100@bank";
const BOB = "bob@instagram";

describe("verified identities", () => {
  let hub: TestHub;
  const sent: VerificationMessage[] = [];
  beforeEach(async () => {
    sent.length = 0;
    hub = await startTestHub({
      apps: [...DEMO_APPS, bank],
      verifiers: { bank: { deliver: async (m) => void sent.push(m) } },
    });
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DIR9] registering on a verifying app needs a code the SDK asked for", async () => {
    const phone = await newClient();
    await expect(phone.client.register(hub.hub.url, ALICE, "Alice")).rejects.toMatchObject({
      code: "VERIFICATION_REQUIRED",
    });
    const requested = await phone.client.requestVerificationCode(hub.hub.url, "+1 (415) 555-0100@bank");
    expect(requested.address).toBe(ALICE);
    expect(sent).toEqual([expect.objectContaining({ address: ALICE, handle: "+14155550100", app: "bank" })]);
    const identity = await phone.client.register(hub.hub.url, ALICE, "Alice", {
      verificationCode: sent[0]!.code,
    });
    expect(identity.address).toBe(ALICE);
    // A demo app does not use codes at all.
    const other = await newClient();
    await expect(other.client.requestVerificationCode(hub.hub.url, BOB)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await Promise.all([phone.client.close(), other.client.close()]);
  });

  it("[DIR11] the SDK refuses a display name with bidi or control characters before it sends anything", async () => {
    const device = await newClient();
    // Nothing listens on port 9: a refusal that needed the hub would be a connection error.
    await expect(device.client.register("http://127.0.0.1:9", BOB, "Bob\u202Egnp.exe")).rejects.toMatchObject(
      {
        code: "INVALID_ARGUMENT",
      },
    );
    await expect(device.client.register("http://127.0.0.1:9", BOB, "Bob\u0007")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    // 64 decomposed "é" are 64 characters once normalised: accepted.
    await expect(device.client.register(hub.hub.url, BOB, "e\u0301".repeat(64))).resolves.toMatchObject({
      address: BOB,
    });
    await device.client.close();
  });

  it("[DIR10] a fresh code on a new phone moves the account: the old phone is revoked and cut off, its conversations go on", async () => {
    await (await newClient()).client.requestVerificationCode(hub.hub.url, ALICE);
    const oldPhone = await newClient();
    await oldPhone.client.register(hub.hub.url, ALICE, "Alice", { verificationCode: sent.at(-1)!.code });
    await oldPhone.client.connect();
    const states: string[] = [];
    oldPhone.client.events.on("connection", (c) => states.push(c.state));
    const bob = await newDevice(hub.hub.url, BOB);
    const direct = (await bob.client.sendText(ALICE, "hi alice")).conversationId;
    await eventually(() => texts(oldPhone.received, direct).includes("hi alice"), "alice's old phone reads");

    // Without a code the number cannot be taken over.
    const newPhone = await newClient();
    await expect(newPhone.client.register(hub.hub.url, ALICE, "Alice")).rejects.toMatchObject({
      code: "VERIFICATION_REQUIRED",
    });
    await newPhone.client.requestVerificationCode(hub.hub.url, ALICE);
    const moved = await newPhone.client.register(hub.hub.url, ALICE, "Alice", {
      verificationCode: sent.at(-1)!.code,
    });
    expect(moved.address).toBe(ALICE);
    await eventually(() => states.includes("revoked"), "the old phone to be cut off");
    expect((await hub.store.getDevice(oldPhone.client.deviceId))?.revokedAt).not.toBeNull();

    // The conversation goes on (no unsigned removal holds it back, DIR14), and
    // the old phone, cut off, cannot log in to read it.
    const after = await bob.client.sendText(direct, "after the move");
    expect(after.seq).not.toBeNull();
    expect(texts(oldPhone.received)).not.toContain("after the move");
    await newPhone.client.connect();
    expect((await newPhone.client.devices()).map((d) => d.id)).toEqual([newPhone.client.deviceId]);
    await Promise.all([oldPhone.client.close(), newPhone.client.close(), bob.client.close()]);
  });

  it("[DIR15] after a move the new phone signs the old one's revocation: members trust the new phone and remove the old", async () => {
    await (await newClient()).client.requestVerificationCode(hub.hub.url, ALICE);
    const oldPhone = await newClient();
    await oldPhone.client.register(hub.hub.url, ALICE, "Alice", { verificationCode: sent.at(-1)!.code });
    await oldPhone.client.connect();
    const bob = await newDevice(hub.hub.url, BOB);
    const moves: string[] = [];
    bob.client.events.on("accountMoved", ({ address }) => moves.push(address));
    const direct = (await bob.client.sendText(ALICE, "hi alice")).conversationId;
    await eventually(() => texts(oldPhone.received, direct).includes("hi alice"), "alice's old phone reads");
    const numberBefore = await bob.client.safetyNumber(ALICE);

    const newPhone = await newClient();
    await newPhone.client.requestVerificationCode(hub.hub.url, ALICE);
    await newPhone.client.register(hub.hub.url, ALICE, "Alice", { verificationCode: sent.at(-1)!.code });
    // The hub kept the new phone's signature with the old phone's revocation...
    const proof = await hub.store.getRevocation(oldPhone.client.deviceId);
    expect(proof?.revokerDeviceId).toBe(newPhone.client.deviceId);

    // ...so Bob's next send commits the old phone's removal instead of refusing it.
    await bob.client.sendText(direct, "after the move");
    await eventually(
      async () => !(await hub.store.listMembers(direct)).includes(oldPhone.client.deviceId),
      "the old phone removed from the conversation",
    );
    expect(moves).toEqual([ALICE]);
    const numberAfter = await bob.client.safetyNumber(ALICE);
    expect(numberAfter).not.toBe(numberBefore);
    // A second signing is refused quietly: the proof is never replaced.
    expect(await hub.store.recordRevocationProof(oldPhone.client.deviceId, { ...proof!, revokedAt: 1 })).toBe(
      false,
    );
    await Promise.all([oldPhone.client.close(), newPhone.client.close(), bob.client.close()]);
  });
});
