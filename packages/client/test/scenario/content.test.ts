/**
 * Replies, reactions, edits and deletes end to end (SPEC CT3-CT13): a real
 * hub, real MLS, and clients on three apps (messenger, whatsapp, instagram).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { legacyTextContent } from "../../src/conversations/content.js";
import type { ContentNotice } from "../../src/conversations/incomingContent.js";
import type { Outbox } from "../../src/conversations/outbox.js";
import { UNCHANGED_MESSAGE } from "../../src/store/messageDefaults.js";
import { eventually, newClient, newDevice, startTestHub, type TestDevice, type TestHub } from "./harness.js";

const HOUR = 3_600_000;

describe("MIMI content between three apps", () => {
  let hub: TestHub;
  let alice: TestDevice;
  let bob: TestDevice;
  let carol: TestDevice;
  let group: string;
  let offset = 0;
  const notices: Record<string, ContentNotice[]> = {};

  beforeEach(async () => {
    offset = 0;
    hub = await startTestHub();
    // Alice's clock can be moved on, to reach the end of the edit and delete windows.
    alice = await newClient({ clock: () => Date.now() + offset });
    await alice.client.register(hub.hub.url, "alice@example.com@messenger", "Alice");
    await alice.client.connect();
    bob = await newDevice(hub.hub.url, "+14155550100@whatsapp");
    carol = await newDevice(hub.hub.url, "carol@instagram");
    for (const [name, device] of Object.entries({ alice, bob, carol })) {
      const list: ContentNotice[] = (notices[name] = []);
      for (const kind of ["reaction", "edit", "delete"] as const)
        device.client.events.on(kind, (n) => list.push(n));
    }
    group = await alice.client.createGroup("Weekend", ["+14155550100@whatsapp", "carol@instagram"]);
    // The title no longer follows as a message (it is in the group's settings, SPEC GR1), which
    // used to give the Welcomes time to land: wait for them before a test uses the group.
    for (const device of [bob, carol])
      await eventually(async () => (await device.store.getConversation(group))?.active === true, "joined");
  });
  afterEach(async () => {
    await Promise.all([alice.client.close(), bob.client.close(), carol.client.close()]);
    await hub.close();
  });

  async function everyoneHas(id: string): Promise<void> {
    for (const d of [alice, bob, carol])
      await eventually(async () => (await d.store.getMessage(group, id)) !== undefined, `message ${id}`);
  }

  it("[CT3] sendText returns the message with its MIMI id; every member stores it under that id", async () => {
    const sent = await alice.client.sendText(group, "hello all");
    expect(sent.id).toMatch(/^01[0-9a-f]{62}$/);
    expect(sent.seq).toBeGreaterThan(0);
    await everyoneHas(sent.id);
    expect((await bob.store.getMessage(group, sent.id))!.text).toBe("hello all");
    expect((await carol.store.getMessage(group, sent.id))!.senderAddress).toBe("alice@example.com@messenger");
    await expect(alice.client.sendText(group, "   ")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it('[CT4] [CT13] a reply carries its original; a device without the original shows "original not found"', async () => {
    const original = await alice.client.sendText(group, "who brings the tent?");
    await everyoneHas(original.id);
    const reply = await bob.client.reply(group, original.id, "I do");
    expect(reply.replyTo).toBe(original.id);
    await everyoneHas(reply.id);
    const atCarol = await carol.store.getMessage(group, reply.id);
    expect(atCarol).toMatchObject({ text: "I do", replyTo: original.id });
    expect(await carol.client.quote(group, original.id)).toMatchObject({
      found: true,
      message: { text: "who brings the tent?" },
    });
    await carol.client.deleteForMe(group, original.id);
    expect(await carol.client.quote(group, original.id)).toEqual({
      found: false,
      text: "original not found",
    });
    await expect(bob.client.reply(group, "01".padEnd(64, "0"), "to nothing")).rejects.toMatchObject({
      code: "UNKNOWN_MESSAGE",
    });
  });

  it("[CT5] [CT12] one reaction per person: reacting again replaces it, removing takes it away, everywhere", async () => {
    const sent = await alice.client.sendText(group, "photo of the lake");
    await everyoneHas(sent.id);
    await bob.client.react(group, sent.id, "👍");
    await bob.client.react(group, sent.id, "❤️");
    await carol.client.react(group, sent.id, "😂");
    const emojis = async (d: TestDevice) =>
      (await d.client.reactions(group, sent.id)).map((r) => `${r.senderAddress} ${r.emoji}`).sort();
    const both = ["+14155550100@whatsapp ❤️", "carol@instagram 😂"];
    for (const d of [alice, bob, carol])
      await eventually(async () => (await emojis(d)).join() === both.join(), "reactions");

    await bob.client.react(group, sent.id, null);
    for (const d of [alice, bob, carol])
      await eventually(
        async () => (await emojis(d)).join() === "carol@instagram 😂",
        "bob's reaction removed",
      );
    const atAlice = notices.alice!.filter((n) => n.kind === "reaction");
    expect(atAlice.map((n) => (n.kind === "reaction" ? n.emoji : "")).filter((e) => e !== "😂")).toEqual([
      "👍",
      "❤️",
      null,
    ]);
    expect(await bob.client.react(group, sent.id, null)).toBeNull();
  });

  it("[CT6] [CT10] its sender edits a message everywhere; nobody else may; not after 24 h; at most 10 times", async () => {
    const sent = await alice.client.sendText(group, "meet at 9");
    await everyoneHas(sent.id);
    const edited = await alice.client.edit(group, sent.id, "meet at 10");
    expect(edited.message).toMatchObject({ text: "meet at 10", editCount: 1 });
    for (const d of [bob, carol])
      await eventually(
        async () => (await d.store.getMessage(group, sent.id))?.text === "meet at 10",
        "the edit",
      );
    expect(await carol.store.getMessage(group, sent.id)).toMatchObject({ editCount: 1, deleted: false });
    expect(notices.bob!.some((n) => n.kind === "edit" && n.message.text === "meet at 10")).toBe(true);

    await expect(bob.client.edit(group, sent.id, "meet never")).rejects.toMatchObject({ code: "NOT_SENDER" });
    for (let i = 2; i <= 10; i++) await alice.client.edit(group, sent.id, `meet at ${9 + i}`);
    await expect(alice.client.edit(group, sent.id, "one too many")).rejects.toMatchObject({
      code: "TOO_MANY_EDITS",
    });
    const other = await alice.client.sendText(group, "later");
    offset = 24 * HOUR + 60_000;
    await expect(alice.client.edit(group, other.id, "too late")).rejects.toMatchObject({ code: "TOO_LATE" });
    await eventually(async () => (await bob.store.getMessage(group, sent.id))?.editCount === 10, "ten edits");
  });

  it("[CT7] [CT11] its sender deletes a message for everyone: a tombstone without text on every device", async () => {
    const sent = await alice.client.sendText(group, "oops, wrong group");
    // Bob reacts to what his device has: wait until it arrived.
    await everyoneHas(sent.id);
    await bob.client.react(group, sent.id, "😮");
    await expect(bob.client.deleteForEveryone(group, sent.id)).rejects.toMatchObject({ code: "NOT_SENDER" });
    await alice.client.deleteForEveryone(group, sent.id);
    for (const d of [alice, bob, carol])
      await eventually(
        async () => (await d.store.getMessage(group, sent.id))?.deleted === true,
        "the delete",
      );
    for (const d of [alice, bob, carol]) expect((await d.store.getMessage(group, sent.id))!.text).toBe("");
    expect(notices.carol!.some((n) => n.kind === "delete" && n.messageId === sent.id)).toBe(true);

    const old = await alice.client.sendText(group, "from long ago");
    offset = 48 * HOUR + 60_000;
    await expect(alice.client.deleteForEveryone(group, old.id)).rejects.toMatchObject({ code: "TOO_LATE" });
  });

  it("[CT3] a protobuf Content from an older SDK is still read, end to end, under the id it carried", async () => {
    // Bob's device plays an older SDK: it encrypts the protobuf Content SDKs sent before MIMI.
    const outbox = (bob.client as unknown as { outbox: Outbox }).outbox;
    const id = "0123456789abcdef0123456789abcdef";
    const plaintext = legacyTextContent(id, "from an old phone", 1_800_000_000_000);
    await outbox.enqueue(group, () => ({ id, plaintext, writes: [] }));
    expect(await outbox.deliver(group, id)).toMatchObject({ seq: expect.any(Number) });
    for (const d of [alice, carol])
      await eventually(
        async () => (await d.store.getMessage(group, id))?.text === "from an old phone",
        "legacy",
      );
    expect(await carol.store.getMessage(group, id)).toMatchObject({
      senderAddress: "+14155550100@whatsapp",
      sentAt: 1_800_000_000_000,
      replyTo: null,
    });
    // A legacy message cannot be replied to with a MIMI id it does not have.
    await expect(alice.client.reply(group, id, "re")).rejects.toMatchObject({ code: "UNKNOWN_MESSAGE" });
  });

  it("[CT3] an outbox item an older SDK left without plaintext is sent again as its protobuf text after an epoch conflict", async () => {
    const outbox = (alice.client as unknown as { outbox: Outbox }).outbox;
    const id = "fedcba9876543210fedcba9876543210";
    const legacy = legacyTextContent(id, "queued by an old SDK", 1_800_000_000_000);
    // [GR2] bob will move the group on by adding someone: only admins add.
    await alice.client.groups.setAdmin(group, "+14155550100@whatsapp", true);
    await eventually(
      async () => (await bob.client.groups.settings(group)).admins.includes("+14155550100@whatsapp"),
      "bob to be an admin",
    );
    const stored = {
      id,
      conversationId: group,
      seq: null,
      senderAddress: alice.client.address,
      senderDeviceId: alice.client.deviceId,
      text: "queued by an old SDK",
      sentAt: 1_800_000_000_000,
      serverTime: null,
      outgoing: true,
      ...UNCHANGED_MESSAGE,
    };
    await outbox.enqueue(group, () => ({
      id,
      plaintext: legacy,
      writes: [{ kind: "putMessage", message: stored }],
    }));
    // As an older SDK stored it: no plaintext column.
    const item = (await alice.store.listOutbox()).find((o) => o.clientMessageId === id)!;
    await alice.store.write([{ kind: "putOutbox", item: { ...item, plaintext: null } }]);
    // The group moves on under it: the hub refuses the old epoch, the SDK re-encrypts the text.
    const dave = await newDevice(hub.hub.url, "dave@instagram");
    await bob.client.addMembers(group, ["dave@instagram"]);
    expect(await outbox.deliver(group, id)).toMatchObject({ seq: expect.any(Number) });
    for (const d of [bob, carol, dave])
      await eventually(
        async () => (await d.store.getMessage(group, id))?.text === "queued by an old SDK",
        "resent",
      );
    await dave.client.close();
  });

  it("delete for me forgets a message on this device only", async () => {
    const sent = await alice.client.sendText(group, "keep this between us");
    await everyoneHas(sent.id);
    await bob.client.deleteForMe(group, sent.id);
    expect(await bob.store.getMessage(group, sent.id)).toBeUndefined();
    expect(await carol.store.getMessage(group, sent.id)).toBeDefined();
    expect(await alice.store.getMessage(group, sent.id)).toBeDefined();
    expect(alice.errors.concat(bob.errors, carol.errors)).toEqual([]);
  });
});
