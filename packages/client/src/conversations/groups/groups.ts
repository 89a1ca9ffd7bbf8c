/**
 * The group operations (SPEC GR): rename, make or unmake admins, leave, and
 * read the group's settings. Renames and admin changes are commits with a
 * GroupContextExtensions proposal (GR1), so only admins make them (GR2,
 * checked by the engine before the hub checks it again); leaving is a
 * proposal another member commits (GR6).
 */
import {
  GROUP_SETTINGS_LIMITS,
  ProtocolError,
  mayManage,
  type GroupSettingsValue,
} from "@switchboard/protocol";
import { buildGroupTitle } from "../../content/build.js";
import { draftOf } from "../drafts.js";
import type { Outbox } from "../outbox.js";
import { ClientError } from "../../errors.js";
import type { DeviceIdentity, GroupEngine } from "../../mls/engine.js";
import type { Call } from "../../session/call.js";
import type { LocalConversation, LocalStore } from "../../store/port.js";
import type { Committer } from "../commits.js";
import { requireConversation } from "../requireConversation.js";
import type { SerialQueue } from "../serialQueue.js";
import type { GroupChange } from "./events.js";
import { commitLeaves, groupChanged } from "./commitHooks.js";
import type { Emitter } from "../../events.js";
import type { ClientEvents } from "../../clientTypes.js";
import type { Applier } from "../applier.js";
import type { DeviceTrust } from "../../devices/trust.js";
import { endMembership } from "./removal.js";

export interface GroupsDeps {
  store: LocalStore;
  engine: GroupEngine;
  queue: SerialQueue;
  call: Call;
  committer: Committer;
  outbox: Outbox;
  identity(): DeviceIdentity;
  clock(): number;
  applier(): Applier;
  /** The account's canonical address (the directory normalises handles). */
  lookup(address: string): Promise<string>;
  trust: DeviceTrust;
  /** Where `group` (SPEC GR4), `devices`, `conversation` and `error` events go. */
  events: Emitter<ClientEvents>;
}

/** How often leaving is tried again when a commit moved the group on under the proposals. */
const MAX_LEAVE_ATTEMPTS = 6;

/** What a person sees of a group's settings: who manages it (GR1), and its title (GR8). */
export type GroupView = GroupSettingsValue & { title: string };

export class Groups {
  constructor(private readonly deps: GroupsDeps) {}

  /** [GR4] A commit changed a group (commitHooks.ts). */
  changed(change: GroupChange): void {
    groupChanged(this.deps, change);
  }

  /** [GR6] A member proposed to leave: commit it in the background (commitHooks.ts). */
  commitLeaves(conversationId: string): void {
    commitLeaves(this.deps, conversationId);
  }

  /** Remove a person (every device of theirs) from a group (admins only, GR2). */
  async removeMember(conversationId: string, address: string): Promise<void> {
    const target = await this.deps.lookup(address);
    await this.deps.committer.commitChange(conversationId, async (conversation) => {
      const members = this.deps.engine.members(this.deps.engine.loadState(conversation.groupState));
      const removeDeviceIds = members.filter((m) => m.address === target).map((m) => m.deviceId);
      if (removeDeviceIds.length === 0)
        throw new ClientError("NOT_A_MEMBER", `${target} is not in this conversation`);
      return { add: [], removeDeviceIds };
    });
  }

  /**
   * The group's settings: its admins, whether everyone manages it, its title.
   * A group from before settings existed reads as managed by everyone, with
   * the title it had as content.
   */
  async settings(conversationId: string): Promise<GroupView> {
    const conversation = await this.requireGroup(conversationId, { active: false });
    const engine = this.deps.engine;
    const settings = conversation.active
      ? engine.settings(engine.loadState(conversation.groupState))
      : undefined;
    return { ...(settings ?? { admins: [], everyoneManages: true }), title: conversation.title };
  }

  /** [GR2] Rename the group (admins only, unless everyone manages it). */
  async rename(conversationId: string, title: string): Promise<void> {
    const trimmed = title.trim();
    if (trimmed === "") throw new ClientError("INVALID_ARGUMENT", "a group title cannot be empty");
    if ([...trimmed].length > GROUP_SETTINGS_LIMITS.maxTitleChars)
      throw new ClientError(
        "INVALID_ARGUMENT",
        `a group title is at most ${GROUP_SETTINGS_LIMITS.maxTitleChars} characters`,
      );
    // [GR8] the title is private: it travels as encrypted content, which members take
    // from admins only (the hub cannot check it, so it is the SDKs' rule).
    const conversation = await this.requireGroup(conversationId);
    const engine = this.deps.engine;
    const self = this.deps.identity().address;
    if (!mayManage(engine.settings(engine.loadState(conversation.groupState)), self))
      throw new ClientError("NOT_ADMIN", "only the group's admins may rename it");
    if (conversation.title === trimmed) return;
    await this.deps.outbox.enqueue(conversationId, () =>
      draftOf(buildGroupTitle(trimmed), self, conversationId),
    );
    await this.deps.outbox.flush();
    await this.deps.queue.run(conversationId, async () => {
      const latest = await requireConversation(this.deps.store, conversationId);
      const titled = { ...latest, title: trimmed, updatedAt: this.deps.clock() };
      await this.deps.store.write([{ kind: "putConversation", conversation: titled }]);
      this.deps.events.emit("conversation", titled);
    });
  }

  /** [GR2] Make a member an admin, or (admin false) no longer one. A group keeps at least one admin. */
  async setAdmin(conversationId: string, address: string, admin: boolean): Promise<void> {
    const member = await this.deps.lookup(address);
    await this.changeSettings(conversationId, (s, conversation) => {
      if (!conversation.participants.includes(member))
        throw new ClientError("NOT_A_MEMBER", `${member} is not in this group`);
      const admins = admin ? [...new Set([...s.admins, member])] : s.admins.filter((a) => a !== member);
      if (admins.length === s.admins.length && admins.every((a) => s.admins.includes(a))) return null;
      if (admins.length === 0 && !s.everyoneManages)
        throw new ClientError("INVALID_ARGUMENT", "a group keeps at least one admin");
      return { ...s, admins: admins.sort() };
    });
  }

  /** Let every member manage the group, or (false) only its admins. */
  async setEveryoneManages(conversationId: string, everyone: boolean): Promise<void> {
    await this.changeSettings(conversationId, (s) =>
      s.everyoneManages === everyone ? null : { ...s, everyoneManages: everyone },
    );
  }

  /**
   * [GR6] Leave the group: propose the removal of every device of this
   * account; another member commits it. From then on this device treats the
   * conversation as left: it is inactive, its outbox for it is cleared, and
   * sends fail with NOT_A_MEMBER. The last admin first makes the first other
   * member (by address) an admin.
   */
  async leave(conversationId: string): Promise<void> {
    await this.requireGroup(conversationId);
    // A group is never left without an admin: the last one hands the role on first (GR6).
    const self = this.deps.identity().address;
    await this.changeSettings(conversationId, (s, conversation) => {
      const others = conversation.participants.filter((p) => p !== self);
      if (s.everyoneManages || others.length === 0 || s.admins.some((a) => a !== self)) return null;
      return { ...s, admins: [others[0]!] };
    });
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.deps.queue.run(conversationId, async () => {
        const conversation = await requireConversation(this.deps.store, conversationId);
        const engine = this.deps.engine;
        const { proposals, newState } = await engine.proposeLeave(
          this.deps.identity(),
          engine.loadState(conversation.groupState),
        );
        try {
          for (const proposal of proposals)
            await this.deps.call("proposeLeave", { conversationId, proposal });
        } catch (err) {
          if (err instanceof ProtocolError && err.code === "EPOCH_CONFLICT") return "conflict" as const;
          throw err;
        }
        const now = this.deps.clock();
        const kept = { ...conversation, groupState: engine.saveState(newState) };
        const left = await endMembership(this.deps.store, kept, now);
        this.deps.events.emit("conversation", left);
        const self = this.deps.identity().address;
        const event = { conversationId, by: self, member: self, seq: left.appliedSeq, at: now };
        this.deps.events.emit("group", { kind: "member-left", ...event });
        return "left" as const;
      });
      if (outcome === "left") return;
      if (attempt + 1 >= MAX_LEAVE_ATTEMPTS)
        throw new ProtocolError("EPOCH_CONFLICT", "gave up leaving after repeated epoch conflicts");
      await this.deps.applier().catchUp(conversationId);
    }
  }

  /** Commit new settings (a GroupContextExtensions proposal); `edit` returns null for no change. */
  private async changeSettings(
    conversationId: string,
    edit: (settings: GroupSettingsValue, conversation: LocalConversation) => GroupSettingsValue | null,
  ): Promise<void> {
    await this.requireGroup(conversationId);
    await this.deps.committer.commitChange(conversationId, async (conversation) => {
      const engine = this.deps.engine;
      // A group from before settings: everyone managed it, and still does.
      const current = engine.settings(engine.loadState(conversation.groupState)) ?? {
        admins: [],
        everyoneManages: true,
      };
      const settings = edit(current, conversation);
      return settings === null ? null : { add: [], removeDeviceIds: [], settings };
    });
  }

  private async requireGroup(conversationId: string, options = { active: true }): Promise<LocalConversation> {
    const conversation = options.active
      ? await requireConversation(this.deps.store, conversationId)
      : await this.deps.store.getConversation(conversationId);
    if (!conversation)
      throw new ClientError("UNKNOWN_CONVERSATION", `no conversation ${conversationId} on this device`);
    if (conversation.kind !== "group")
      throw new ClientError("INVALID_ARGUMENT", "only a group has admins, a title, and can be left");
    return conversation;
  }
}
