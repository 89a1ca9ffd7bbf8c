/**
 * Groups across three apps (SPEC GR): admins, rename, removal you can see,
 * leaving, and a removed member whose sends fail typed and never hang.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GroupEvent } from "../../src/conversations/groups/events.js";
import { PushGate, eventually, newDevice, startTestHub, type TestDevice, type TestHub } from "./harness.js";

const ALICE = "alice@example.com@messenger";
const BOB = "+14155550100@whatsapp";
const CAROL = "carol@instagram";

function eventsOf(device: TestDevice): GroupEvent[] {
  const seen: GroupEvent[] = [];
  device.client.events.on("group", (e) => seen.push(e));
  return seen;
}

const brief = (events: GroupEvent[]) =>
  events.map((e) => {
    switch (e.kind) {
      case "renamed":
        return `${e.kind} ${e.title} by ${e.by}`;
      case "admin":
        return `${e.kind} ${e.member} ${e.admin} by ${e.by}`;
      case "timer":
        return `${e.kind} ${e.seconds}`;
      default:
        return `${e.kind} ${e.member} by ${e.by}`;
    }
  });

describe("groups: admins, renames, removals and leaving", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[GR2] [GR4] [GR5] [GR6] admins manage, everyone sees it, a removed member fails typed and a leaver is gone", async () => {
    const alice = await newDevice(hub.hub.url, ALICE);
    const bob = await newDevice(hub.hub.url, BOB);
    const gate = new PushGate();
    const carol = await newDevice(hub.hub.url, CAROL, { gate });
    const [aliceSaw, bobSaw, carolSaw] = [eventsOf(alice), eventsOf(bob), eventsOf(carol)];

    const group = await alice.client.createGroup("Weekend", [BOB, CAROL]);
    await eventually(
      async () => (await bob.client.conversations()).some((c) => c.id === group),
      "bob to join",
    );
    await eventually(
      async () => (await carol.client.conversations()).some((c) => c.id === group),
      "carol to join",
    );
    // [GR8] the title follows the Welcome as encrypted content.
    await eventually(
      async () => (await bob.client.groups.settings(group)).title === "Weekend",
      "bob to get the title",
    );
    expect(await bob.client.groups.settings(group)).toEqual({
      admins: [ALICE],
      everyoneManages: false,
      title: "Weekend",
    });

    // [GR2] a member who is not an admin is refused before anything is sent.
    await expect(bob.client.groups.rename(group, "Mine")).rejects.toMatchObject({ code: "NOT_ADMIN" });
    await expect(carol.client.removeMember(group, BOB)).rejects.toMatchObject({ code: "NOT_ADMIN" });

    await alice.client.groups.setAdmin(group, BOB, true);
    await eventually(() => carolSaw.some((e) => e.kind === "admin"), "carol to see bob made admin");
    // Bob acts on the commit once his own device has it (each member processes it in its own time).
    await eventually(() => bobSaw.some((e) => e.kind === "admin"), "bob to see he was made admin");
    await bob.client.groups.rename(group, "Trip");
    await eventually(
      async () => (await carol.client.conversations()).find((c) => c.id === group)?.title === "Trip",
      "carol to see the new title",
    );
    expect(brief(carolSaw)).toEqual([`admin ${BOB} true by ${ALICE}`, `renamed Trip by ${BOB}`]);

    // [GR5] carol misses her removal (pushes held), then sends: a typed error, nothing left queued.
    gate.held = true;
    await alice.client.removeMember(group, CAROL);
    await expect(carol.client.sendText(group, "still here?")).rejects.toMatchObject({ code: "NOT_A_MEMBER" });
    expect(await carol.store.listOutbox()).toEqual([]);
    await carol.client.sync(); // resolves: nothing left to retry
    expect((await carol.client.conversations()).find((c) => c.id === group)?.active).toBe(false);
    await expect(carol.client.sendText(group, "again?")).rejects.toMatchObject({ code: "NOT_A_MEMBER" });
    gate.release();
    await eventually(
      () => brief(bobSaw).includes(`member-removed ${CAROL} by ${ALICE}`),
      "bob to see carol removed",
    );

    // [GR6] bob leaves; alice (online) commits his proposal and sees him go.
    await bob.client.groups.leave(group);
    await expect(bob.client.sendText(group, "bye")).rejects.toMatchObject({ code: "NOT_A_MEMBER" });
    await eventually(
      () => brief(aliceSaw).includes(`member-left ${BOB} by ${BOB}`),
      "alice to see bob leave",
    );
    const aliceView = (await alice.client.conversations()).find((c) => c.id === group)!;
    expect(aliceView.participants).toEqual([ALICE]);
    await alice.client.sendText(group, "just me");
    expect(bob.errors).toEqual([]);
    await Promise.all([alice.client.close(), bob.client.close(), carol.client.close()]);
  });

  it("[GR6] the last admin to leave hands the role on first, so a group always has an admin", async () => {
    const alice = await newDevice(hub.hub.url, ALICE);
    const bob = await newDevice(hub.hub.url, BOB);
    const bobSaw = eventsOf(bob);
    const group = await alice.client.createGroup("Pair", [BOB]);
    await eventually(
      async () => (await bob.client.conversations()).some((c) => c.id === group),
      "bob to join",
    );
    await alice.client.groups.leave(group);
    await eventually(
      () => brief(bobSaw).includes(`member-left ${ALICE} by ${ALICE}`),
      "bob to see alice leave",
    );
    expect(brief(bobSaw)).toEqual([
      `admin ${BOB} true by ${ALICE}`,
      `admin ${ALICE} false by ${ALICE}`,
      `member-left ${ALICE} by ${ALICE}`,
    ]);
    expect((await bob.client.groups.settings(group)).admins).toEqual([BOB]);
    await bob.client.groups.rename(group, "Solo");
    await Promise.all([alice.client.close(), bob.client.close()]);
  });
});
