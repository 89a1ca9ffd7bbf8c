/**
 * Changing a group's membership: each change is one MLS commit, and the hub
 * takes exactly one commit per epoch ([DS1]), so a commit that lost the race
 * is re-made on top of the winner.
 */
import { ProtocolError } from "@switchboard/protocol";
import type { DeviceTrust } from "../devices/trust.js";
import type { ChangeRequest, DeviceIdentity, GroupEngine } from "../mls/engine.js";
import type { Call } from "../session/call.js";
import type { LocalConversation, LocalStore } from "../store/port.js";
import { participantsOf, type Applier } from "./applier.js";
import { buildGroupTitle } from "../content/build.js";
import { draftOf } from "./drafts.js";
import type { Outbox } from "./outbox.js";
import { requireConversation } from "./requireConversation.js";
import type { SerialQueue } from "./serialQueue.js";
import { randomClientId } from "./clientIds.js";
import type { GroupChange } from "./groups/events.js";
import { ClientError } from "../errors.js";
import { MlsEngineError } from "../mls/errors.js";

/** How often a commit is re-made after losing an epoch race ([DS1]). */
const MAX_COMMIT_ATTEMPTS = 8;

/** The change to commit, or null when there is nothing (left) to do. */
export type MembershipChange = (conversation: LocalConversation) => Promise<ChangeRequest | null>;

/** The commit that landed ([DS1]), or null when the change turned out empty. */
export type CommitOutcome = { seq: number } | null;

export interface CommitterDeps {
  store: LocalStore;
  engine: GroupEngine;
  queue: SerialQueue;
  call: Call;
  outbox: Outbox;
  identity(): DeviceIdentity;
  /** Catches a conversation up after an epoch conflict. */
  applier(): Applier;
  onConversation(conversation: LocalConversation): void;
  /** After this device's own commit changed the group (SPEC GR4). */
  onGroupChange(change: GroupChange): void;
  trust: DeviceTrust;
  clock(): number;
}

export class Committer {
  constructor(private readonly deps: CommitterDeps) {}

  /**
   * Claim a key package for every device of each address (but this one) and
   * add them in one commit. Only devices whose approval chain checks out are
   * claimed: the hub alone cannot slip a device into the group.
   */
  async addParticipants(conversationId: string, addresses: string[]): Promise<void> {
    const keyPackages: Uint8Array[] = [];
    for (const address of addresses) {
      const trusted = await this.deps.trust.trustedDevices(address);
      trusted.delete(this.deps.identity().deviceId);
      if (trusted.size === 0) continue;
      const claimed = await this.deps.call("claimKeyPackages", { address, deviceIds: [...trusted] });
      for (const kp of claimed.keyPackages) if (trusted.has(kp.deviceId)) keyPackages.push(kp.keyPackage);
    }
    if (keyPackages.length === 0) return;
    await this.commitChange(conversationId, async () => ({ add: keyPackages, removeDeviceIds: [] }));
    const conversation = await requireConversation(this.deps.store, conversationId);
    // New members cannot read what was said before they joined, the title included.
    if (conversation.kind === "group" && conversation.title !== "") {
      await this.deps.outbox.enqueue(conversationId, () =>
        draftOf(buildGroupTitle(conversation.title), this.deps.identity().address, conversationId),
      );
      await this.deps.outbox.flush();
    }
  }

  /**
   * Commit the removals the hub proposed for revoked devices ([DS9]), if any
   * are pending in this device's state of the group.
   */
  async commitPendingRemovals(conversationId: string): Promise<CommitOutcome> {
    return this.commitChange(conversationId, async (conversation) => {
      const engine = this.deps.engine;
      const pending = engine.pendingRemovals(engine.loadState(conversation.groupState));
      // A device cannot commit its own removal (RFC 9420 §12.2): another member will.
      if (pending.length === 0 || pending.includes(this.deps.identity().deviceId)) return null;
      return { add: [], removeDeviceIds: [] };
    });
  }

  /** [DS1] make a commit, and on EPOCH_CONFLICT catch up and make it again. */
  async commitChange(conversationId: string, change: MembershipChange): Promise<CommitOutcome> {
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const outcome = await this.deps.queue.run(conversationId, async () => {
        const conversation = await requireConversation(this.deps.store, conversationId);
        const engine = this.deps.engine;
        const wanted = await change(conversation);
        if (wanted === null) return { done: null };
        const before = engine.loadState(conversation.groupState);
        const pending = await engine
          .createCommit(this.deps.identity(), before, wanted)
          .catch((err: unknown) => {
            // [GR2] a typed refusal the caller can show, before the hub would refuse it.
            if (err instanceof MlsEngineError && err.code === "MLS_NOT_ADMIN")
              throw new ClientError("NOT_ADMIN", "only the group's admins may do this", { cause: err });
            throw err;
          });
        let seq: number;
        try {
          const accepted = await this.deps.call("commit", {
            conversationId,
            clientMessageId: randomClientId(),
            epoch: BigInt(pending.epoch),
            commit: pending.commit,
            welcome: pending.welcome ?? new Uint8Array(),
            groupInfo: pending.groupInfo,
          });
          seq = Number(accepted.seq);
        } catch (err) {
          if (err instanceof ProtocolError && err.code === "EPOCH_CONFLICT") return "conflict" as const;
          throw err;
        }
        // Adopt the new epoch; the commit's own log entry is skipped when it arrives.
        const settingsAfter = engine.settings(pending.newState);
        const next: LocalConversation = {
          ...conversation,
          groupState: engine.saveState(pending.newState),
          epoch: pending.newState.epoch,
          participants: participantsOf(engine, pending.newState),
          updatedAt: this.deps.clock(),
        };
        await this.deps.store.write([{ kind: "putConversation", conversation: next }]);
        this.deps.onConversation(next);
        this.deps.onGroupChange({
          conversationId,
          by: this.deps.identity().address,
          seq,
          at: this.deps.clock(),
          membersBefore: engine.members(before),
          membersAfter: engine.members(pending.newState),
          settingsBefore: engine.settings(before),
          settingsAfter,
          leftDevices: pending.leftDevices,
        });
        return { done: { seq } };
      });
      if (outcome !== "conflict") return outcome.done;
      await this.deps.applier().catchUp(conversationId);
    }
    throw new ProtocolError("EPOCH_CONFLICT", "gave up after repeated epoch conflicts");
  }
}
