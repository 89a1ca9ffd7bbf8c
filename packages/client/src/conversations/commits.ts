/**
 * Changing a group's membership: each change is one MLS commit, and the hub
 * takes exactly one commit per epoch ([DS1]), so a commit that lost the race
 * is re-made on top of the winner.
 */
import { ProtocolError } from "@switchboard/protocol";
import type { DeviceIdentity, GroupEngine } from "../mls/engine.js";
import type { Call } from "../session/call.js";
import type { LocalConversation, LocalStore } from "../store/port.js";
import { participantsOf, type Applier } from "./applier.js";
import { groupProfileContent, newMessageId } from "./content.js";
import type { Outbox } from "./outbox.js";
import { requireConversation } from "./requireConversation.js";
import type { SerialQueue } from "./serialQueue.js";

/** How often a commit is re-made after losing an epoch race ([DS1]). */
const MAX_COMMIT_ATTEMPTS = 8;

export type MembershipChange = (
  conversation: LocalConversation,
) => Promise<{ add: Uint8Array[]; removeDeviceIds: string[] }>;

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
  clock(): number;
}

export class Committer {
  constructor(private readonly deps: CommitterDeps) {}

  /** Claim a key package for every device of each address (but this one) and add them in one commit. */
  async addParticipants(conversationId: string, addresses: string[]): Promise<void> {
    const keyPackages: Uint8Array[] = [];
    for (const address of addresses) {
      const claimed = await this.deps.call("claimKeyPackages", { address });
      for (const kp of claimed.keyPackages)
        if (kp.deviceId !== this.deps.identity().deviceId) keyPackages.push(kp.keyPackage);
    }
    if (keyPackages.length === 0) return;
    await this.commitChange(conversationId, async () => ({ add: keyPackages, removeDeviceIds: [] }));
    const conversation = await requireConversation(this.deps.store, conversationId);
    // New members cannot read what was said before they joined, the title included.
    if (conversation.kind === "group" && conversation.title !== "") {
      await this.deps.outbox.enqueue(
        conversationId,
        (id, now) => groupProfileContent(id, conversation.title, now),
        null,
      );
      await this.deps.outbox.flush();
    }
  }

  /** [DS1] make a commit, and on EPOCH_CONFLICT catch up and make it again. */
  async commitChange(conversationId: string, change: MembershipChange): Promise<void> {
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const outcome = await this.deps.queue.run(conversationId, async () => {
        const conversation = await requireConversation(this.deps.store, conversationId);
        const engine = this.deps.engine;
        const pending = await engine.createCommit(
          this.deps.identity(),
          engine.deserialize(conversation.groupState),
          await change(conversation),
        );
        try {
          await this.deps.call("commit", {
            conversationId,
            clientMessageId: newMessageId(),
            epoch: BigInt(pending.epoch),
            commit: pending.commit,
            welcome: pending.welcome ?? new Uint8Array(),
            groupInfo: pending.groupInfo,
          });
        } catch (err) {
          if (err instanceof ProtocolError && err.code === "EPOCH_CONFLICT") return "conflict" as const;
          throw err;
        }
        // Adopt the new epoch; the commit's own log entry is skipped when it arrives.
        const next: LocalConversation = {
          ...conversation,
          groupState: engine.serialize(pending.newState),
          epoch: pending.newState.epoch,
          participants: participantsOf(engine, pending.newState),
          updatedAt: this.deps.clock(),
        };
        await this.deps.store.write([{ kind: "putConversation", conversation: next }]);
        this.deps.onConversation(next);
        return "committed" as const;
      });
      if (outcome === "committed") return;
      await this.deps.applier().catchUp(conversationId);
    }
    throw new ProtocolError("EPOCH_CONFLICT", "gave up after repeated epoch conflicts");
  }
}
