import type { AppendProposalResult, NewProposal } from "../port.js";
import type { LogTx } from "./logTx.js";
import type { Step } from "./step.js";

export interface ProposalTx extends LogTx {
  /**
   * Move the head to `seq`, mark the conversation as having a hub proposal at
   * `epoch` (SPEC DS9), and keep the proposal's ref for the commit that includes it.
   */
  recordProposal(proposal: NewProposal, seq: number): Step<void>;
}

/**
 * The hub's removal proposal for a revoked device (SPEC ST30): appended only
 * at the conversation's current epoch, at its next seq. No device sent it:
 * its sender is "", which is no device's id, so `hub-proposal-<seq>` cannot
 * collide with a client's id in the shared idempotency key space.
 */
export function* appendProposal(tx: ProposalTx, proposal: NewProposal): Step<AppendProposalResult> {
  const id = proposal.conversationId;
  const head = yield* tx.lockHead(id);
  if (head === undefined) throw new Error(`unknown conversation ${id}`);
  if (head.epoch !== proposal.epoch) return { kind: "epoch_conflict", currentEpoch: head.epoch };
  const seq = head.lastSeq + 1;
  const entry = yield* tx.insertEntry(
    "proposal",
    {
      conversationId: id,
      senderDeviceId: "",
      senderAddress: "",
      clientMessageId: `hub-proposal-${seq}`,
      payload: proposal.payload,
      epoch: proposal.epoch,
      serverTime: proposal.serverTime,
    },
    null,
    seq,
  );
  yield* tx.recordProposal(proposal, seq);
  return { kind: "appended", entry };
}
