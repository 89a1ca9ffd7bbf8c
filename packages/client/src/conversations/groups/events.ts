/**
 * Membership you can see (SPEC GR4): what a commit changed, as events in the
 * conversation. Pure: the applier and the committer describe a commit as a
 * GroupChange, and this says what a person should be told.
 *
 * `timer` is here so every conversation event has one shape: the
 * disappearing-messages feature produces it (this module never does).
 */
import type { GroupSettingsValue } from "@switchboard/protocol";
import type { GroupMember } from "../../mls/engine.js";

interface EventBase {
  conversationId: string;
  /** The account whose commit made the change; null when not known (learnt from the hub's listing). */
  by: string | null;
  /** The log position of the commit (when learnt otherwise: how far this device had applied). */
  seq: number;
  /** When it happened (the hub's time of the commit, or this device's when learnt otherwise). */
  at: number;
}

export type GroupEvent =
  | (EventBase & { kind: "member-added"; member: string })
  | (EventBase & { kind: "member-removed"; member: string })
  | (EventBase & { kind: "member-left"; member: string })
  | (EventBase & { kind: "renamed"; title: string })
  | (EventBase & { kind: "admin"; member: string; admin: boolean })
  | (EventBase & { kind: "timer"; seconds: number | null });

/** One commit, as seen by a member: who made it and the group before and after. */
export interface GroupChange {
  conversationId: string;
  by: string | null;
  seq: number;
  at: number;
  membersBefore: readonly GroupMember[];
  membersAfter: readonly GroupMember[];
  settingsBefore: GroupSettingsValue | undefined;
  settingsAfter: GroupSettingsValue | undefined;
  /** Devices removed by their own account's proposal (leaving, GR6). */
  leftDevices: readonly string[];
  /** A new title an admin sent (GR8; titles travel as encrypted content, not in commits). */
  renamedTo?: string;
}

const accounts = (members: readonly GroupMember[]) => new Set(members.map((m) => m.address));

export function groupEventsOf(change: GroupChange): GroupEvent[] {
  const base: EventBase = {
    conversationId: change.conversationId,
    by: change.by,
    seq: change.seq,
    at: change.at,
  };
  const before = accounts(change.membersBefore);
  const after = accounts(change.membersAfter);
  const events: GroupEvent[] = [];
  for (const member of [...after].filter((a) => !before.has(a)).sort())
    events.push({ ...base, kind: "member-added", member });
  for (const member of [...before].filter((a) => !after.has(a)).sort()) {
    const devices = change.membersBefore.filter((m) => m.address === member);
    const left = devices.every((d) => change.leftDevices.includes(d.deviceId));
    // One who left did it themselves, whoever committed it.
    if (left) events.push({ ...base, by: member, kind: "member-left", member });
    else events.push({ ...base, kind: "member-removed", member });
  }
  const was = change.settingsBefore;
  const now = change.settingsAfter;
  if (change.renamedTo !== undefined) events.push({ ...base, kind: "renamed", title: change.renamedTo });
  // A group's first settings (made with it) are not news; a change of them is.
  if (was !== undefined && now !== undefined) {
    for (const member of now.admins.filter((a) => !was.admins.includes(a)))
      events.push({ ...base, kind: "admin", member, admin: true });
    for (const member of was.admins.filter((a) => !now.admins.includes(a)))
      events.push({ ...base, kind: "admin", member, admin: false });
  }
  return events;
}

/** This device learnt it is no longer a member without seeing the commit (GR5). */
export function removedSelfEvent(conversationId: string, self: string, at: number, seq: number): GroupEvent {
  return { conversationId, by: null, seq, at, kind: "member-removed", member: self };
}
