/**
 * Ephemeral send (SPEC EP1-EP5): the hub relays an MLS application message to
 * the conversation's member devices that are online now, on any node, and
 * stores nothing; non-members and foreign groups are refused.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  ConversationKind,
  LIMITS,
  SendEphemeralRequestSchema,
  create,
  decodeServerFrame,
} from "@switchboard/protocol";
import { createTsMlsEngine } from "../../../client/src/mls/index.js";
import { makeIdentity } from "../../../client/test/mls/fixtures.js";
import { createMemoryBus } from "../../src/bus/memoryBus.js";
import { EphemeralRelay } from "../../src/ephemeral/ephemeralRelay.js";
import { LocalRouter, type RoutedConnection } from "../../src/gateway/router.js";
import type { Caller } from "../../src/caller.js";
import { chargesFor } from "../../src/gateway/rateLimitOps.js";
import { startDeviceHub, WireDevice, type DeviceHub } from "../devices/support.js";

const GROUP_ID = new Uint8Array(16).fill(7);
const CONVERSATION = Buffer.from(GROUP_ID).toString("hex");
const ALICE: Caller = { deviceId: "deva", address: "alice@instagram", app: "instagram" };

async function privateMessage(groupId = GROUP_ID): Promise<Uint8Array> {
  const engine = await createTsMlsEngine({ crypto: "node" });
  const me = makeIdentity("alice@instagram", "deva");
  const { state } = await engine.createGroup(me, groupId);
  return (await engine.encrypt(me, state, new TextEncoder().encode("typing"))).message;
}

function connection(deviceId: string): RoutedConnection & { pushed: Uint8Array[] } {
  const pushed: Uint8Array[] = [];
  return { deviceId, pushed, push: (bytes) => pushed.push(bytes), revoke: () => {} };
}

/** Members: deva, devb, devc; the store answers membership and nothing else (there is nothing else to call). */
const members = {
  getMembership: (conversationId: string, deviceId: string) =>
    Promise.resolve(
      conversationId === CONVERSATION && ["deva", "devb", "devc"].includes(deviceId)
        ? { joinedSeq: 0 }
        : undefined,
    ),
};

describe("[EP1] ephemeral send over the Bus", () => {
  it("reaches the member devices online on any node, not the sender, not non-members", async () => {
    const bus = createMemoryBus();
    const nodeOne = new LocalRouter(bus);
    const nodeTwo = new LocalRouter(bus);
    const sender = connection("deva");
    const bob = connection("devb");
    const stranger = connection("devx");
    nodeOne.attach(sender, [CONVERSATION]);
    nodeTwo.attach(bob, [CONVERSATION]);
    nodeTwo.attach(stranger, []);
    // devc is a member but offline: nothing is kept for it.
    const relay = new EphemeralRelay(members, bus, () => 1234);
    const payload = await privateMessage();
    expect(await relay.send(ALICE, { conversationId: CONVERSATION, payload })).toBe(1234);
    expect(sender.pushed).toEqual([]);
    expect(stranger.pushed).toEqual([]);
    expect(bob.pushed).toHaveLength(1);
    const frame = decodeServerFrame(bob.pushed[0]!);
    if (!frame.ok || frame.value.body.case !== "push" || frame.value.body.value.body.case !== "ephemeral")
      throw new Error("expected an ephemeral push");
    const pushed = frame.value.body.value.body.value;
    expect(pushed.conversationId).toBe(CONVERSATION);
    expect(pushed.senderAddress).toBe(ALICE.address);
    expect(pushed.senderDeviceId).toBe("deva");
    expect(new Uint8Array(pushed.payload)).toEqual(new Uint8Array(payload));
    expect(pushed.serverTime).toBe(1234n);
    // devc comes online afterwards: it gets nothing (nothing was stored to fetch).
    const late = connection("devc");
    nodeOne.attach(late, [CONVERSATION]);
    expect(late.pushed).toEqual([]);
  });

  it("[EP2] refuses a device that is not a member with NOT_FOUND, and publishes nothing", async () => {
    const bus = createMemoryBus();
    const published: string[] = [];
    bus.subscribe(`conv.${CONVERSATION}`, () => published.push("x"));
    const relay = new EphemeralRelay(members, bus, () => 1);
    const outsider: Caller = { deviceId: "devx", address: "mallory@instagram", app: "instagram" };
    await expect(
      relay.send(outsider, { conversationId: CONVERSATION, payload: await privateMessage() }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(published).toEqual([]);
  });

  it("[EP3] refuses what is not a PrivateMessage of this group, and what is over the size limit", async () => {
    const relay = new EphemeralRelay(members, createMemoryBus(), () => 1);
    const send = (payload: Uint8Array) => relay.send(ALICE, { conversationId: CONVERSATION, payload });
    await expect(send(new TextEncoder().encode("plaintext"))).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(send(await privateMessage(new Uint8Array(16).fill(8)))).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(send(new Uint8Array(LIMITS.maxEphemeralBytes + 1))).rejects.toMatchObject({
      code: "TOO_LARGE",
    });
    await expect(send(new Uint8Array(0))).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("[EP4] ephemeral send is rate-limited like sending", () => {
  it("spends the account's send budget", () => {
    const op = {
      case: "sendEphemeral" as const,
      value: create(SendEphemeralRequestSchema, { conversationId: CONVERSATION }),
    };
    expect(chargesFor(op, { address: ALICE.address, remoteAddress: "127.0.0.1" })).toEqual([
      ["sendPerAccount", ALICE.address],
    ]);
  });
});

describe("[EP1] ephemeral send through the hub", () => {
  let hub: DeviceHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it("answers the member, stores nothing, and refuses a foreign conversation with NOT_FOUND", async () => {
    hub = await startDeviceHub();
    const url = hub.hub.url;
    const alice = await WireDevice.register(url, "alice@instagram");
    const engine = await createTsMlsEngine({ crypto: "node" });
    const me = {
      ...makeIdentity(alice.address, alice.deviceId),
      signaturePublicKey: alice.keys.publicKey,
      signaturePrivateKey: alice.keys.privateKey,
    };
    const { state, groupInfo } = await engine.createGroup(me, GROUP_ID, { externalSender: alice.hubKey });
    await alice.ok("createConversation", {
      case: "createConversation",
      value: { conversationId: CONVERSATION, kind: ConversationKind.GROUP, groupInfo },
    });
    const payload = (await engine.encrypt(me, state, new TextEncoder().encode("typing"))).message;
    const answer = await alice.ok("sendEphemeral", {
      case: "sendEphemeral",
      value: { conversationId: CONVERSATION, payload },
    });
    expect(answer.serverTime).toBeGreaterThan(0n);
    expect(await hub.store.readLog(CONVERSATION, 0, 100)).toEqual([]);

    const mallory = await WireDevice.register(url, "mallory@instagram");
    expect(
      (await mallory.error({ case: "sendEphemeral", value: { conversationId: CONVERSATION, payload } })).code,
    ).toBe("NOT_FOUND");
  });
});
