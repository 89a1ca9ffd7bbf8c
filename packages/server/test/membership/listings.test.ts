/**
 * [DS15] Listings are paged through the real gateway: an account in many
 * conversations, or in conversations with thousands of participants, gets
 * pages that each fit a frame, and walking them yields everything once.
 */
import { toBinary } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import {
  LIMITS,
  ListConversationsResponseSchema,
  ListDevicesResponseSchema,
  type ConversationSummary,
} from "@switchboard/protocol";
import { WireDevice, deviceIdOfKey } from "../devices/support.js";
import { newKeys } from "../gateway/rawClient.js";
import { startMembershipHub, type MembershipHub } from "./support.js";

let hub: MembershipHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const conversationId = (i: number) => i.toString(16).padStart(32, "0");

/** Every page of alice's conversations, with each page's encoded size. */
async function walkConversations(alice: WireDevice, limit = 0) {
  const pages: { count: number; bytes: number; hasMore: boolean }[] = [];
  const all: ConversationSummary[] = [];
  let afterId = "";
  for (;;) {
    const page = await alice.ok("listConversations", {
      case: "listConversations",
      value: { afterId, limit },
    });
    pages.push({
      count: page.conversations.length,
      bytes: toBinary(ListConversationsResponseSchema, page).length,
      hasMore: page.hasMore,
    });
    all.push(...page.conversations);
    if (!page.hasMore) return { pages, all };
    afterId = page.conversations.at(-1)!.id;
  }
}

describe("[DS15] bounded listings", () => {
  it("[DS15] conversations come in pages of the hub's size, or the client's smaller limit", async () => {
    hub = await startMembershipHub({ membership: { conversationsPerPage: 40 } });
    const alice = await WireDevice.register(hub.url, "alice@instagram");
    for (let i = 0; i < 90; i++) {
      await hub.store.createConversation({
        id: conversationId(i),
        kind: "group",
        createdAt: 1000 + i,
        creatorAddress: alice.address,
        creatorDeviceId: alice.deviceId,
        groupInfo: new Uint8Array(10),
      });
    }
    const walked = await walkConversations(alice);
    expect(walked.pages.map((p) => [p.count, p.hasMore])).toEqual([
      [40, true],
      [40, true],
      [10, false],
    ]);
    expect(walked.all.map((c) => c.id)).toEqual(Array.from({ length: 90 }, (_, i) => conversationId(i)));
    const small = await walkConversations(alice, 25);
    expect(small.pages.map((p) => p.count)).toEqual([25, 25, 25, 15]);
    const bad = await alice.error({ case: "listConversations", value: { afterId: "not hex", limit: 0 } });
    expect(bad.code).toBe("INVALID_ARGUMENT");
  });

  it("[DS15] a page of conversations with thousands of participants still fits a frame", async () => {
    hub = await startMembershipHub();
    const alice = await WireDevice.register(hub.url, "alice@instagram");
    const crowd: string[] = [];
    for (let i = 0; i < 2500; i++) {
      const address = `a-rather-long-handle-for-person-${String(i).padStart(5, "0")}@instagram`;
      const created = await hub.store.createAccount(
        { address, app: "instagram", displayName: address, createdAt: 0 },
        { id: `crowd-${i}`, signatureKey: new Uint8Array(32).fill(i % 256), createdAt: 0 },
      );
      expect(created).toBe("created");
      crowd.push(address);
    }
    for (let i = 0; i < 12; i++) {
      const id = conversationId(i);
      await hub.store.createConversation({
        id,
        kind: "group",
        createdAt: 1000 + i,
        creatorAddress: alice.address,
        creatorDeviceId: alice.deviceId,
        groupInfo: new Uint8Array(10),
      });
      await hub.store.commit({
        conversationId: id,
        senderDeviceId: alice.deviceId,
        senderAddress: alice.address,
        clientMessageId: "crowd",
        payload: new Uint8Array(10),
        epoch: 0,
        serverTime: 0,
        groupInfo: new Uint8Array(10),
        membership: { addedDevices: [], removedDevices: [], addedAccounts: crowd, removedAccounts: [] },
        welcome: null,
      });
    }
    const walked = await walkConversations(alice);
    // Twelve summaries of ~150 KB each would be a ~1.8 MB frame in one answer.
    expect(walked.all).toHaveLength(12);
    expect(walked.all.every((c) => c.participants.length === 2501)).toBe(true);
    expect(walked.pages.length).toBeGreaterThan(1);
    for (const page of walked.pages) expect(page.bytes).toBeLessThan(LIMITS.maxFrameBytes - 1024);
  });

  it("[DS15] devices come in pages, revoked ones included, walking every device once", async () => {
    hub = await startMembershipHub({ membership: { devicesPerPage: 2 } });
    const alice = await WireDevice.register(hub.url, "alice@instagram");
    const bob = await WireDevice.register(hub.url, "bob@instagram");
    const extra: string[] = [];
    for (let i = 0; i < 4; i++) {
      const keys = newKeys();
      const id = deviceIdOfKey(keys.publicKey);
      extra.push(id);
      await hub.store.addDevice(
        alice.address,
        { id, signatureKey: keys.publicKey, createdAt: hub.clock.now + 1 + i },
        100,
      );
    }
    await hub.store.revokeDevice(extra[1]!, hub.clock.now);
    const seen: string[] = [];
    const sizes: number[] = [];
    let afterId = "";
    for (;;) {
      const page = await bob.ok("listDevices", {
        case: "listDevices",
        value: { address: alice.address, afterId, limit: 0 },
      });
      expect(toBinary(ListDevicesResponseSchema, page).length).toBeLessThan(LIMITS.maxFrameBytes);
      sizes.push(page.devices.length);
      seen.push(...page.devices.map((d) => d.id));
      if (!page.hasMore) break;
      afterId = page.devices.at(-1)!.id;
    }
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([alice.deviceId, ...extra]);
  });
});
