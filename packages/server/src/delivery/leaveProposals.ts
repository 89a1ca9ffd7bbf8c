/**
 * [GR6] Leaving a group. A member cannot commit its own removal (RFC 9420
 * §12.2), so it proposes the Remove of its own account's devices, one
 * proposal each, and the hub keeps them in the log like its own removals of
 * revoked devices (DS9): sends wait until a member commits them, and
 * [GR7] a member's commit at that epoch must include them (else
 * EPOCH_CONFLICT: the committer catches up, gets the proposals, and its
 * next commit carries them), so a leave is never lost to a race.
 */
import { ProtocolError } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import { decodeGroupInfo, leafIdentities } from "../mls/inspect.js";
import { inspectMemberRemoveProposal } from "../mls/memberProposal.js";
import type { DeviceRecord, Store } from "../store/port.js";
import type { Announcer } from "./announcer.js";
import { LIMITS, requireConversationId, requireSize } from "./validate.js";

export class LeaveProposals {
  constructor(
    private readonly store: Store,
    private readonly announcer: Pick<Announcer, "entry">,
    private readonly clock: Clock,
  ) {}

  /** Store a member's proposal to remove one of its own account's devices; resolves to its seq. */
  async propose(caller: Caller, conversationId: string, payload: Uint8Array): Promise<number> {
    requireConversationId(conversationId);
    requireSize(payload, LIMITS.maxHandshakeBytes, "proposal");
    // NOT_FOUND for non-members, as for every delivery op: do not confirm it exists.
    if (!(await this.store.getMembership(conversationId, caller.deviceId)))
      throw new ProtocolError("NOT_FOUND", "no such conversation");
    const conversation = await this.store.getConversation(conversationId);
    if (!conversation) throw new ProtocolError("NOT_FOUND", "no such conversation");
    const facts = await inspectMemberRemoveProposal(payload);
    if (!facts.ok) throw new ProtocolError("INVALID_ARGUMENT", facts.reason);
    const proposal = facts.value;
    if (proposal.groupId !== conversationId)
      throw new ProtocolError("INVALID_ARGUMENT", "the proposal is for another group");
    if (proposal.epoch !== conversation.epoch)
      throw new ProtocolError("EPOCH_CONFLICT", "the conversation has moved on", {
        currentEpoch: conversation.epoch,
      });
    const info = decodeGroupInfo(conversation.groupInfo);
    const leaves = info && leafIdentities(info);
    if (!leaves?.ok) throw new ProtocolError("INTERNAL", "the stored GroupInfo cannot be read");
    const sender = leaves.value.get(proposal.senderLeaf);
    const removed = leaves.value.get(proposal.removedLeaf);
    if (sender?.deviceId !== caller.deviceId)
      throw new ProtocolError("FORBIDDEN", "a proposal's sender must be the device that sends it");
    if (removed?.address !== caller.address)
      throw new ProtocolError(
        "NOT_ADMIN",
        "a member may propose only its own account's removal; admins commit removals",
      );
    const result = await this.store.appendProposal({
      conversationId,
      epoch: proposal.epoch,
      payload,
      ref: proposal.ref,
      removedDeviceId: removed.deviceId,
      serverTime: this.clock(),
    });
    if (result.kind === "epoch_conflict")
      throw new ProtocolError("EPOCH_CONFLICT", "the conversation has moved on", {
        currentEpoch: result.currentEpoch,
      });
    this.announcer.entry(result.entry);
    return result.entry.seq;
  }
}

/**
 * [GR7] A member's commit must include every leave proposal pending at its
 * epoch (the proposals of devices that are not revoked: the hub's own
 * removals of revoked devices it proposes again by itself, DS9).
 */
export async function requireLeavesIncluded(
  store: Store,
  conversationId: string,
  epoch: number,
  removedByReference: readonly string[],
  devices: ReadonlyMap<string, DeviceRecord>,
): Promise<void> {
  const pending = await store.pendingProposals(conversationId, epoch);
  const missing = pending.filter(
    (p) =>
      devices.get(p.removedDeviceId)?.revokedAt === null && !removedByReference.includes(p.removedDeviceId),
  );
  if (missing.length > 0)
    throw new ProtocolError(
      "EPOCH_CONFLICT",
      "a member is leaving: catch up and commit again, including its proposals",
      {
        currentEpoch: epoch,
      },
    );
}
