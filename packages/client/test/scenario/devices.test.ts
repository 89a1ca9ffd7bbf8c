/**
 * Every device a person owns (issue 4): linking with a one-time code, the
 * history bundle, catching up without gaps, revocation, and the hub being
 * unable to add a device to an account by itself.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProtocolError } from "@switchboard/protocol";
import type { HistoryChoice, LocalConversation } from "../../src/index.js";
import { ClientError } from "../../src/index.js";
import type { DeviceChange } from "../../src/devices/changes.js";
import { deviceIdFor, generateDeviceKeyPair, signChallenge } from "../../src/identity/deviceKeys.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import type { GroupEngine } from "../../src/mls/engine.js";
import { RpcSession } from "../../src/session/rpc.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import type { StoredGroupState } from "../../src/store/groupStateParts.js";
import {
  eventually,
  newClient,
  newDevice,
  startTestHub,
  texts,
  type TestDevice,
  type TestHub,
} from "./harness.js";

const ALICE = "alice@instagram";
const BOB = "+14155550100@whatsapp";
const CAROL = "carol@example.com@messenger";

describe("every device a person owns", () => {
  let hub: TestHub;
  let open: TestDevice[];
  let now: number;
  beforeEach(async () => {
    now = Date.now();
    // The hub's clock can be moved on to expire link codes.
    hub = await startTestHub({ clock: () => now });
    open = [];
  });
  afterEach(async () => {
    await Promise.all(open.map((d) => d.client.close().catch(() => {})));
    await hub.close();
  });

  async function device(address: string): Promise<TestDevice> {
    const d = await newDevice(hub.hub.url, address);
    open.push(d);
    return d;
  }

  /** Link a new device to `existing`'s account, approved with the code it shows. */
  async function link(existing: TestDevice, name: string, history: HistoryChoice = "all") {
    const fresh = await newClient();
    open.push(fresh);
    const pending = await fresh.client.beginLink(hub.hub.url, name);
    expect(pending.code).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect(pending.qr).toContain(pending.code);
    const historyEvents: { conversations: number; messages: number }[] = [];
    fresh.client.events.on("history", (h) => historyEvents.push(h));
    const [approved] = await Promise.all([
      existing.client.approveDevice(pending.code, { history }),
      pending.approved,
    ]);
    await fresh.client.connect();
    return { device: fresh, approved, historyEvents };
  }

  const shown = async (d: TestDevice, conversationId: string) =>
    (await d.client.messages(conversationId)).map((m) => m.text);

  it("[DIR5] a second and a third device get every new message, direct and group, across apps, and the history", async () => {
    const alice = await device(ALICE);
    const bob = await device(BOB);
    const carol = await device(CAROL);
    const bobSaw: DeviceChange[] = [];
    bob.client.events.on("devices", (c) => bobSaw.push(c));

    const direct = (await alice.client.sendText(BOB, "hi bob")).conversationId;
    await eventually(() => texts(bob.received, direct).length === 1, "bob to get hi");
    await bob.client.sendText(direct, "hi alice");
    const group = await alice.client.createGroup("Trip", [BOB, CAROL]);
    await alice.client.sendText(group, "plans?");
    await eventually(() => texts(alice.received, direct).length === 1, "alice to get bob's reply");
    await eventually(() => texts(carol.received, group).length === 1, "carol to get plans");

    const before = await bob.client.safetyNumber(ALICE);
    expect(before).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(await alice.client.safetyNumber(BOB)).toBe(before);
    const laptop = await link(alice, "laptop");
    // Both see the same new number once alice has another device.
    const after = await bob.client.safetyNumber(ALICE);
    expect(after).not.toBe(before);
    expect(await laptop.device.client.safetyNumber(BOB)).toBe(after);
    // The third device is approved by the second: the chain is checked end to end.
    const browser = await link(laptop.device, "browser");
    expect(laptop.approved.conversations).toBe(2);
    expect(laptop.approved.historyMessages).toBe(3);

    for (const d of [laptop.device, browser.device]) {
      await eventually(async () => (await shown(d, direct)).length === 2, "history of the direct chat");
      expect(await shown(d, direct)).toEqual(["hi bob", "hi alice"]);
      expect(await shown(d, group)).toEqual(["plans?"]);
      const history = await d.client.messages(direct);
      expect(history[0]!.outgoing).toBe(true);
      expect(history[1]!.outgoing).toBe(false);
      expect((await d.client.conversations()).find((c) => c.id === group)?.title).toBe("Trip");
    }
    expect(laptop.historyEvents).toEqual([{ conversations: 2, messages: 3 }]);

    await bob.client.sendText(direct, "new from bob");
    await carol.client.sendText(group, "new from carol");
    for (const d of [alice, laptop.device, browser.device]) {
      await eventually(
        () =>
          texts(d.received, direct).includes("new from bob") &&
          texts(d.received, group).includes("new from carol"),
        "every alice device to get the new messages",
      );
    }

    // Sent from one device, shown on the others as sent by it.
    await laptop.device.client.sendText(group, "from the laptop");
    for (const d of [alice, browser.device]) {
      await eventually(() => texts(d.received, group).includes("from the laptop"), "own other devices");
      const m = d.received.find((x) => x.text === "from the laptop")!;
      expect(m.outgoing).toBe(true);
      expect(m.senderDeviceId).toBe(laptop.device.client.deviceId);
    }
    await eventually(() => texts(carol.received, group).includes("from the laptop"), "carol");

    // Bob's app can say "Alice added a new device" (the safety number changes).
    await eventually(() => bobSaw.some((c) => c.added.includes(browser.device.client.deviceId)), "event");
    expect(bobSaw.every((c) => c.address === ALICE && c.removed.length === 0)).toBe(true);

    const listed = await alice.client.devices();
    expect(listed.map((d) => d.name)).toEqual(["", "laptop", "browser"]);
    expect(listed.filter((d) => d.current).map((d) => d.id)).toEqual([alice.client.deviceId]);
    expect(listed[2]!.approvedBy).toBe(laptop.device.client.deviceId);
    for (const d of [alice, bob, carol, laptop.device, browser.device]) expect(d.errors).toEqual([]);
  });

  it("[WB2] a linked device hears when a direct chat it joined by Welcome learns its kind and peer", async () => {
    const alice = await device(ALICE);
    await device(BOB);
    const direct = (await alice.client.sendText(BOB, "hi")).conversationId;
    const fresh = await newClient();
    open.push(fresh);
    const heard: LocalConversation[] = [];
    fresh.client.events.on("conversation", (c) => heard.push(c));
    const pending = await fresh.client.beginLink(hub.hub.url, "browser");
    await Promise.all([alice.client.approveDevice(pending.code), pending.approved]);
    await fresh.client.connect();
    // A chat list drawn from the first event would call it a nameless group for good.
    await eventually(
      () => heard.some((c) => c.id === direct && c.kind === "direct" && c.peer === BOB),
      "the direct chat's kind, heard",
    );
  });

  it("[DIR5] a device linked while a conversation is busy catches up without gaps or duplicates", async () => {
    const alice = await device(ALICE);
    const bob = await device(BOB);
    const direct = (await alice.client.sendText(BOB, "start")).conversationId;
    await eventually(() => bob.received.length === 1, "bob to get start");

    let sending = true;
    const sent: string[] = [];
    const chatter = (async () => {
      for (let i = 0; sending || i < 5; i++) {
        const text = `bob ${i}`;
        await bob.client.sendText(direct, text);
        sent.push(text);
      }
    })();
    const laptop = await link(alice, "laptop");
    sending = false;
    await chatter;
    await bob.client.sendText(direct, "last");
    sent.push("last");

    // Then the new device goes offline while the chat goes on, and comes back.
    await eventually(async () => (await shown(laptop.device, direct)).includes("last"), "laptop online");
    laptop.device.client.disconnect();
    for (const text of ["while away 1", "while away 2"]) {
      await bob.client.sendText(direct, text);
      sent.push(text);
    }
    await laptop.device.client.connect();

    const expected = ["start", ...sent];
    await eventually(async () => (await shown(laptop.device, direct)).length >= expected.length, "laptop");
    const onLaptop = await laptop.device.client.messages(direct);
    expect(onLaptop.map((m) => m.text)).toEqual(expected);
    const seqs = onLaptop.map((m) => m.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await shown(alice, direct)).toEqual(expected);
    expect(laptop.device.errors).toEqual([]);
  });

  it("[DIR7] a revoked device gets nothing sent after, cannot decrypt it, and cannot log in again", async () => {
    const alice = await device(ALICE);
    const bob = await device(BOB);
    const direct = (await alice.client.sendText(BOB, "before")).conversationId;
    const group = await bob.client.createGroup("G", [ALICE]);
    const lost = (await link(alice, "lost phone")).device;
    await eventually(async () => (await shown(lost, direct)).includes("before"), "history on the phone");
    const lostStates = new Map<string, StoredGroupState>();
    const states: string[] = [];
    lost.client.events.on("connection", (c) => states.push(c.state));

    const revoked = await alice.client.revokeDevice(lost.client.deviceId);
    expect(revoked.conversations).toBe(2);
    await eventually(() => states.includes("revoked"), "the lost phone to be cut off");
    for (const id of [direct, group]) lostStates.set(id, (await lost.store.getConversation(id))!.groupState);

    const after = await bob.client.sendText(direct, "after revocation");
    await bob.client.sendText(group, "group after revocation");
    await eventually(() => texts(alice.received, direct).includes("after revocation"), "alice reads on");
    await eventually(() => texts(alice.received, group).includes("group after revocation"), "group too");
    expect(texts(lost.received)).not.toContain("after revocation");

    // Even with the ciphertext from the hub's store, its last MLS state cannot open it.
    const [entry] = await hub.store.readLog(direct, after.seq! - 1, 1);
    const engine = (lost.client as unknown as { options: { engine: GroupEngine } }).options.engine;
    const identity = (await lost.store.getIdentity())!;
    await expect(
      engine.process(
        { ...identity, signaturePrivateKey: identity.signaturePrivateKey },
        engine.loadState(lostStates.get(direct)!),
        entry!.payload,
      ),
    ).rejects.toThrow();

    // It cannot log in again.
    await expect(lost.client.sync()).rejects.toBeInstanceOf(Error);
    const members = await hub.store.listMembers(direct);
    expect(members).not.toContain(lost.client.deviceId);
    expect((await alice.client.devices()).map((d) => d.id)).toEqual([alice.client.deviceId]);

    // The last device cannot be revoked.
    await expect(alice.client.revokeDevice(alice.client.deviceId)).rejects.toMatchObject({
      code: "LAST_DEVICE",
    });
  });

  it("[DIR5] the hub alone cannot add a device: a device without a valid approval is refused by the others", async () => {
    const alice = await device(ALICE);
    const bob = await device(BOB);
    const direct = (await alice.client.sendText(BOB, "before")).conversationId;
    await eventually(() => texts(bob.received, direct).includes("before"), "bob");

    // The hub (its store) adds a device to alice's account with a forged
    // approval; the device logs in and publishes key packages like any other.
    const keys = generateDeviceKeyPair();
    const forgedId = await deviceIdFor(keys.publicKey);
    const added = await hub.store.addDevice(
      ALICE,
      {
        id: forgedId,
        signatureKey: keys.publicKey,
        createdAt: now,
        name: "not alice's",
        approvedBy: alice.client.deviceId,
        approval: new Uint8Array(64).fill(7),
        approvedAt: now,
      },
      5,
    );
    expect(added).toBe("added");
    const forged = await newClient();
    open.push(forged);
    const identity = {
      address: ALICE,
      deviceId: forgedId,
      displayName: ALICE,
      signaturePublicKey: keys.publicKey,
      signaturePrivateKey: keys.privateKey,
      server: hub.hub.url,
      createdAt: now,
    };
    await forged.store.write([{ kind: "identity", identity }]);
    await forged.client.open();
    await forged.client.connect();
    expect(await hub.store.countKeyPackages(forgedId)).toBeGreaterThan(0);

    // Bob starts a group with alice: the forged device is not claimed or added.
    const bobSaw: DeviceChange[] = [];
    bob.client.events.on("devices", (c) => bobSaw.push(c));
    const group = await bob.client.createGroup("G", [ALICE]);
    await eventually(async () => (await alice.client.conversations()).some((c) => c.id === group), "alice");
    expect((await hub.store.listMembers(group)).sort()).toEqual(
      [alice.client.deviceId, bob.client.deviceId].sort(),
    );
    const refusedBy = (d: TestDevice) =>
      d.errors.some((e) => String((e as { error: unknown }).error).includes(forgedId));
    expect(refusedBy(bob)).toBe(true);

    // It joins the direct chat by itself (external commit; the hub lets a
    // device of a participant account in): alice's and bob's devices refuse it.
    const engine = await createTsMlsEngine({ crypto: "node" });
    const info = await hub.store.getConversation(direct);
    const join = await engine.joinExternal(identity, info!.groupInfo);
    const session = await RpcSession.open(createWebSocketTransport(hub.hub.url), {
      onPush: () => {},
      onClose: () => {},
    });
    await session.session.call("authenticate", {
      deviceId: forgedId,
      signature: signChallenge(keys.privateKey, session.challenge),
    });
    await session.session.call("commit", {
      conversationId: direct,
      clientMessageId: "forged-join",
      epoch: BigInt(join.epoch),
      commit: join.commit,
      welcome: new Uint8Array(),
      groupInfo: join.groupInfo,
    });
    session.session.close();
    await eventually(() => refusedBy(alice), "alice's device to refuse the forged device");
    for (const d of [alice, bob]) {
      const state = (await d.store.getConversation(direct))!;
      const members = engine.members(engine.loadState(state.groupState)).map((m) => m.deviceId);
      expect(members).not.toContain(forgedId);
    }
    expect(bobSaw).toEqual([]);
  });

  it("[DIR5] approving a wrong or an expired code fails cleanly and changes nothing", async () => {
    const alice = await device(ALICE);
    await expect(alice.client.approveDevice("AAAAA-BBBBB")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(alice.client.approveDevice("not a code")).rejects.toMatchObject({ code: "NOT_FOUND" });

    const fresh = await newClient();
    open.push(fresh);
    const pending = await fresh.client.beginLink(hub.hub.url, "too slow");
    now += 11 * 60 * 1000;
    await expect(alice.client.approveDevice(pending.code)).rejects.toMatchObject({ code: "LINK_EXPIRED" });
    pending.cancel();
    await expect(pending.approved).rejects.toBeInstanceOf(ClientError);
    expect((await alice.client.devices()).length).toBe(1);
    expect(await hub.store.listDevices(ALICE)).toHaveLength(1);
  });

  it("[DIR6] an account has at most its app's number of devices", async () => {
    const alice = await device(ALICE);
    for (let i = 2; i <= 5; i++) await link(alice, `device ${i}`, "none");
    const sixth = await newClient();
    open.push(sixth);
    const pending = await sixth.client.beginLink(hub.hub.url, "sixth");
    const refused = await alice.client.approveDevice(pending.code).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProtocolError);
    expect((refused as ProtocolError).code).toBe("DEVICE_LIMIT");
    expect((refused as ProtocolError).message).toMatch(/5/);
    pending.cancel();
  });
});
