/** [GR4] What a commit tells people: the pure mapping from a GroupChange to events. */
import { describe, expect, it } from "vitest";
import { groupEventsOf, type GroupChange } from "../../src/conversations/groups/events.js";
import type { GroupMember } from "../../src/mls/engine.js";

const member = (address: string, deviceId: string, leafIndex = 0): GroupMember => ({
  address,
  deviceId,
  leafIndex,
  signaturePublicKey: new Uint8Array(32),
});
const A1 = member("a@x", "a1");
const B1 = member("b@x", "b1");
const B2 = member("b@x", "b2");
const C1 = member("c@x", "c1");
const settings = (admins: string[]) => ({ admins, everyoneManages: false });

const change = (over: Partial<GroupChange>): GroupChange => ({
  conversationId: "g",
  by: "a@x",
  seq: 7,
  at: 1000,
  membersBefore: [A1, B1, B2],
  membersAfter: [A1, B1, B2],
  settingsBefore: settings(["a@x"]),
  settingsAfter: settings(["a@x"]),
  leftDevices: [],
  ...over,
});

describe("[GR4] group events", () => {
  it("[GR4] an account added or removed once, whatever its number of devices; a new device is not a new member", () => {
    expect(groupEventsOf(change({ membersAfter: [A1, B1, B2, C1] }))).toEqual([
      { kind: "member-added", conversationId: "g", by: "a@x", seq: 7, at: 1000, member: "c@x" },
    ]);
    expect(groupEventsOf(change({ membersAfter: [A1] }))).toEqual([
      { kind: "member-removed", conversationId: "g", by: "a@x", seq: 7, at: 1000, member: "b@x" },
    ]);
    expect(groupEventsOf(change({ membersBefore: [A1, B1], membersAfter: [A1, B1, B2] }))).toEqual([]);
  });

  it("[GR4] a member whose every device left by its own proposal left (by itself), whoever committed", () => {
    expect(groupEventsOf(change({ membersAfter: [A1], leftDevices: ["b1", "b2"] }))).toEqual([
      { kind: "member-left", conversationId: "g", by: "b@x", seq: 7, at: 1000, member: "b@x" },
    ]);
    // Only one of its devices proposed: the other was removed by the committer.
    expect(groupEventsOf(change({ membersAfter: [A1], leftDevices: ["b1"] }))[0]?.kind).toBe(
      "member-removed",
    );
  });

  it("[GR4] renames and admin changes; a group's first settings are not news", () => {
    const events = groupEventsOf(
      change({ settingsAfter: settings(["b@x"]), renamedTo: "New", by: "a@x" }),
    ).map((e) => ({ ...e, conversationId: undefined, seq: undefined, at: undefined }));
    expect(events).toEqual([
      expect.objectContaining({ kind: "renamed", title: "New", by: "a@x" }),
      expect.objectContaining({ kind: "admin", member: "b@x", admin: true }),
      expect.objectContaining({ kind: "admin", member: "a@x", admin: false }),
    ]);
    expect(groupEventsOf(change({ settingsBefore: undefined, settingsAfter: settings(["a@x"]) }))).toEqual(
      [],
    );
  });
});
