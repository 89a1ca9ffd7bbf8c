/**
 * Receipts, typing and presence end to end (SPEC RS1-RS7, EP1-EP8): a real
 * hub, real MLS, clients on three apps (messenger, whatsapp, instagram).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PresenceEvent, ReceiptEvent, TypingEvent } from "../../src/status/conversationStatus.js";
import { readSignal } from "../../src/status/signals.js";
import { TYPING_TTL_MS } from "../../src/status/typingState.js";
import type { LocalMessage } from "../../src/store/port.js";
import { eventually, newClient, newDevice, startTestHub, type TestDevice, type TestHub } from "./harness.js";

const ALICE = "alice@example.com@messenger";
const BOB = "+14155550100@whatsapp";
const CAROL = "carol@instagram";

describe("status between three apps", () => {
  let hub: TestHub;
  let alice: TestDevice;
  let bob: TestDevice;
  let carol: TestDevice;
  let group: string;
  let bobOffset = 0;
  const receipts: ReceiptEvent[] = [];
  const typing: Record<string, TypingEvent[]> = { alice: [], bob: [], carol: [] };
  const presence: PresenceEvent[] = [];

  beforeEach(async () => {
    receipts.length = 0;
    presence.length = 0;
    for (const list of Object.values(typing)) list.length = 0;
    bobOffset = 0;
    hub = await startTestHub();
    alice = await newDevice(hub.hub.url, ALICE);
    bob = await newClient({ clock: () => Date.now() + bobOffset });
    await bob.client.register(hub.hub.url, BOB, BOB);
    await bob.client.connect();
    carol = await newDevice(hub.hub.url, CAROL);
    alice.client.status.events.on("receipt", (r) => receipts.push(r));
    for (const [name, d] of Object.entries({ alice, bob, carol }))
      d.client.status.events.on("typing", (t) => typing[name]!.push(t));
    bob.client.status.events.on("presence", (p) => presence.push(p));
    group = await alice.client.createGroup("Weekend", [BOB, CAROL]);
    await eventually(async () => (await carol.store.getConversation(group)) !== undefined, "carol joined");
    await eventually(async () => (await bob.store.getConversation(group)) !== undefined, "bob joined");
  });
  afterEach(async () => {
    // Receipts, typing and presence never surface as errors on any device.
    for (const d of [alice, bob, carol]) expect(d.errors).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close(), carol.client.close()]);
    await hub.close();
  });

  /** The receipt reports `device` decrypted from the log: who sent each, and how many statuses it carried. */
  function reportsSeenBy(device: TestDevice): { from: string; statuses: string[] }[] {
    const seen: { from: string; statuses: string[] }[] = [];
    const status = device.client.status;
    const original = status.received.bind(status);
    status.received = (conversationId, plaintext, sender, serverTime) => {
      const signal = readSignal(plaintext);
      if (signal?.kind === "receipts")
        seen.push({ from: sender.address, statuses: signal.entries.map((e) => e.status) });
      original(conversationId, plaintext, sender, serverTime);
    };
    return seen;
  }

  const lastSeq = async () => (await hub.store.getConversation(group))!.lastSeq;

  const statusOf = async (id: string) =>
    alice.client.status.messageStatus((await alice.store.getMessage(group, id))!);

  it("[RS1] [RS2] [RS4] delivered, then read, per member; one batch per sync; receipts are not receipted", async () => {
    const aliceSaw = reportsSeenBy(alice);
    const carolSaw = reportsSeenBy(carol);
    bob.client.disconnect();
    const sent: LocalMessage[] = [];
    for (const text of ["one", "two", "three"]) sent.push(await alice.client.sendText(group, text));
    expect(await statusOf(sent[0]!.id)).toBe("sent");
    await eventually(async () => (await carol.store.listMessages(group)).length === 3, "carol has all three");
    await bob.client.connect();
    await eventually(async () => (await bob.store.listMessages(group)).length === 3, "bob has all three");
    // Both have them: delivered, once every other account's receipt arrived.
    await eventually(async () => (await statusOf(sent[2]!.id)) === "delivered", "delivered to everyone");
    // Bob came back to three messages and told them in ONE encrypted report.
    expect(aliceSaw.filter((r) => r.from === BOB)).toEqual([
      { from: BOB, statuses: ["delivered", "delivered", "delivered"] },
    ]);

    expect(await bob.client.status.markRead(group)).toEqual({ read: 3, sent: true });
    await eventually(
      () => receipts.filter((r) => r.from === BOB && r.status === "read").length === 3,
      "bob's read receipts",
    );
    const message = (await alice.store.getMessage(group, sent[0]!.id))!;
    expect(await alice.client.status.messageStatus(message)).toBe("delivered"); // Carol has not read it
    const members = await alice.client.status.memberStatuses(message);
    expect(members.map((m) => [m.address, m.status])).toEqual([
      [BOB, "read"],
      [CAROL, "delivered"],
    ]);
    await carol.client.status.markRead(group);
    await eventually(async () => (await statusOf(sent[0]!.id)) === "read", "read by everyone");
    // Reading again reports nothing new; Alice, who only received receipts, sent none.
    expect(await bob.client.status.markRead(group)).toEqual({ read: 0, sent: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(carolSaw.filter((r) => r.from === ALICE)).toEqual([]);
    expect(receipts.every((r) => r.conversationId === group && r.at > 0)).toBe(true);
  });

  it("[RS6] read receipts off: none sent, none seen; delivered still flows", async () => {
    await carol.client.status.setReadReceipts(false);
    expect(await carol.client.status.readReceipts()).toBe(false);
    const fromAlice = await alice.client.sendText(group, "did you read this?");
    await eventually(async () => (await statusOf(fromAlice.id)) === "delivered", "delivered");
    const aliceSaw = reportsSeenBy(alice);
    expect(await carol.client.status.markRead(group)).toEqual({ read: 1, sent: false });
    await bob.client.status.markRead(group);
    await eventually(() => receipts.some((r) => r.from === BOB && r.status === "read"), "bob's read");
    expect(aliceSaw.filter((r) => r.from === CAROL && r.statuses.includes("read"))).toEqual([]);
    expect(await statusOf(fromAlice.id)).toBe("delivered");

    // Carol sees nobody's read receipts either.
    const fromCarol = await carol.client.sendText(group, "mine");
    await eventually(
      async () => (await alice.store.getMessage(group, fromCarol.id)) !== undefined,
      "alice has it",
    );
    const carolSees: ReceiptEvent[] = [];
    carol.client.status.events.on("receipt", (r) => carolSees.push(r));
    await alice.client.status.markRead(group);
    await bob.client.status.markRead(group);
    const mine = () => carol.store.getMessage(group, fromCarol.id).then((m) => m!);
    await eventually(
      async () => (await carol.client.status.messageStatus(await mine())) === "delivered",
      "delivered",
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(carolSees.filter((r) => r.status === "read")).toEqual([]);
    expect(await carol.client.status.messageStatus(await mine())).toBe("delivered");
  });

  it("[EP1] [EP7] typing reaches online members only, is never stored, and expires after 15 s", async () => {
    carol.client.disconnect();
    const logBefore = await lastSeq();
    expect(await alice.client.status.typing(group)).toBe(true);
    await eventually(() => typing.bob!.length === 1, "bob sees alice typing");
    expect(typing.bob![0]).toMatchObject({ conversationId: group, from: ALICE });
    expect(bob.client.status.typingIn(group)).toEqual([ALICE]);
    // Sent again at once: held back (at most one every few seconds).
    expect(await alice.client.status.typing(group)).toBe(false);
    bobOffset = TYPING_TTL_MS;
    expect(bob.client.status.typingIn(group)).toEqual([]);
    // Nothing reached the log, and the device that was offline never hears of it.
    expect(await lastSeq()).toBe(logBefore);
    await carol.client.connect();
    await new Promise((r) => setTimeout(r, 300));
    expect(typing.carol).toEqual([]);
    expect(typing.alice).toEqual([]);
    // The group still works for everyone after the ratchet moved for the typing signal.
    const after = await alice.client.sendText(group, "after typing");
    await eventually(
      async () => (await carol.store.getMessage(group, after.id)) !== undefined,
      "carol reads on",
    );
    await eventually(async () => (await bob.store.getMessage(group, after.id)) !== undefined, "bob reads on");
  });

  it("[EP8] presence is off by default, opt-in, and goes only into one's conversations", async () => {
    expect(await alice.client.status.presence()).toBe(false);
    expect(await alice.client.status.announcePresence()).toBe(0);
    await alice.client.status.setPresence(true);
    await eventually(() => presence.some((p) => p.from === ALICE && p.online), "bob sees alice online");
    await alice.client.status.setPresence(false);
    await eventually(() => presence.some((p) => p.from === ALICE && !p.online), "bob sees alice leave");
    expect(presence.every((p) => p.conversationId === group)).toBe(true);
  });

  it("[RS7] mayShareStatus false: no delivered, no read, no typing from that device", async () => {
    bob.client.status.mayShareStatus = () => false;
    const aliceSaw = reportsSeenBy(alice);
    const sent = await alice.client.sendText(group, "a request");
    await eventually(async () => (await bob.store.getMessage(group, sent.id)) !== undefined, "bob has it");
    await bob.client.status.flush();
    expect(await bob.client.status.markRead(group)).toEqual({ read: 1, sent: false });
    expect(await bob.client.status.typing(group)).toBe(false);
    expect(aliceSaw).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(receipts.filter((r) => r.from === BOB)).toEqual([]);
    expect(typing.alice).toEqual([]);
  });
});
