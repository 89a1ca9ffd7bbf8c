/**
 * The hub's Remove proposals for revoked devices (SPEC DS9, DIR7). A revoked
 * device stays a member of its conversations until a member commits its
 * removal; the hub, as the groups' MLS external sender, proposes it at the
 * conversation's current epoch and, until a commit includes it, refuses
 * application messages there (the Store answers "proposals_pending"). A
 * commit that moves the epoch on without it makes the proposal stale, so the
 * hub proposes again at the new epoch.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { SignedRevocationSchema } from "@switchboard/protocol";
import type { Clock } from "../caller.js";
import { decodeGroupInfo, leafIdentities } from "../mls/inspect.js";
import { proposeRemoval } from "../mls/hubSender.js";
import type { HubSigningKey, Store } from "../store/port.js";
import type { Announcer } from "./announcer.js";

/** Epochs moving on under a proposal are commits racing it; a few tries settle it. */
const MAX_ATTEMPTS = 5;

export class RemovalProposals {
  /** One run at a time per conversation on this node, so no device is proposed twice at one epoch. */
  private readonly running = new Map<string, Promise<string[]>>();

  constructor(
    private readonly store: Store,
    private readonly announcer: Pick<Announcer, "entry">,
    private readonly clock: Clock,
    private readonly hubKey: HubSigningKey,
  ) {}

  /**
   * Propose the removal of every revoked member of the conversation that has
   * no proposal at the current epoch yet. Resolves to the devices proposed.
   */
  propose(conversationId: string): Promise<string[]> {
    const before = this.running.get(conversationId) ?? Promise.resolve([]);
    const run = before.catch(() => []).then(() => this.proposeAll(conversationId));
    this.running.set(conversationId, run);
    const forget = () => {
      if (this.running.get(conversationId) === run) this.running.delete(conversationId);
    };
    run.then(forget, forget);
    return run;
  }

  private async proposeAll(conversationId: string): Promise<string[]> {
    const proposed = new Set<string>();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // When a commit moved the epoch on under it, try at the new epoch; past
      // MAX_ATTEMPTS, the commits that keep moving it propose as they land.
      if (!(await this.proposeAtCurrentEpoch(conversationId, proposed))) break;
    }
    return [...proposed];
  }

  /** Adds what it proposes to `proposed`; true when the epoch moved on under it. */
  private async proposeAtCurrentEpoch(conversationId: string, proposed: Set<string>): Promise<boolean> {
    const revoked = await this.store.revokedMembers(conversationId);
    if (revoked.length === 0) return false;
    const conversation = await this.store.getConversation(conversationId);
    if (!conversation) return false;
    const { epoch } = conversation;
    const pending = new Set(
      (await this.store.pendingProposals(conversationId, epoch)).map((p) => p.removedDeviceId),
    );
    const wanted = revoked.filter((d) => !pending.has(d));
    if (wanted.length === 0) return false;
    const groupInfo = decodeGroupInfo(conversation.groupInfo);
    const leaves = groupInfo && leafIdentities(groupInfo);
    if (!groupInfo || !leaves?.ok)
      throw new Error(`the stored GroupInfo of ${conversationId} cannot be read`);
    const leafOf = new Map([...leaves.value].map(([leaf, who]) => [who.deviceId, leaf]));
    for (const deviceId of wanted) {
      const leaf = leafOf.get(deviceId);
      // A member the tree does not hold has nothing to remove (the hub's view and the tree agree after every commit).
      if (leaf === undefined) continue;
      const proposal = await proposeRemoval(
        groupInfo,
        leaf,
        this.hubKey,
        await this.signedRevocation(leaves.value.get(leaf)?.address ?? "", deviceId),
      );
      const result = await this.store.appendProposal({
        conversationId,
        epoch,
        payload: proposal.payload,
        ref: proposal.ref,
        removedDeviceId: deviceId,
        serverTime: this.clock(),
      });
      if (result.kind === "epoch_conflict") return true;
      this.announcer.entry(result.entry);
      proposed.add(deviceId);
    }
    return false;
  }

  /**
   * [DIR14] The account's signed revocation of the device, encoded for the
   * proposal's authenticated_data; empty for a device revoked before
   * revocations were signed (members then refuse the proposal).
   */
  private async signedRevocation(address: string, deviceId: string): Promise<Uint8Array> {
    const proof = await this.store.getRevocation(deviceId);
    if (!proof) return new Uint8Array();
    return toBinary(
      SignedRevocationSchema,
      create(SignedRevocationSchema, {
        address,
        deviceId,
        revokerDeviceId: proof.revokerDeviceId,
        revokedAt: BigInt(proof.revokedAt),
        signature: proof.signature,
      }),
    );
  }
}
