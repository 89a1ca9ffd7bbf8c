/**
 * Proposals by reference (RFC 9420 §12.1, §12.4). The only ones Switchboard
 * uses are the hub's Removes of revoked devices: the hub is an external
 * sender (§12.1.8.1) named in every group's GroupContext; members keep its
 * proposal pending (ts-mls `unappliedProposals`, persisted with the state) and
 * the next commit carries it by reference (ts-mls's createCommit references
 * every pending proposal). Until then nothing is encrypted (ts-mls refuses,
 * and so does the hub), so nothing new reaches the revoked device.
 */
import { bytesToBase64, encodeExternalSender } from "ts-mls";
import type { ClientState, Extension, Proposal, ProposalOrRef } from "ts-mls";
import { hubCredential } from "./credential.js";
import { MlsEngineError } from "./errors.js";

/**
 * The GroupContext extension naming the hub as external sender. ts-mls models
 * external_senders as one extension per sender, so this one sender is
 * extension 0 of the external_senders kind, the index its proposals carry.
 */
export function hubExternalSender(hubSignatureKey: Uint8Array): Extension {
  return {
    extensionType: "external_senders",
    extensionData: encodeExternalSender({
      signaturePublicKey: hubSignatureKey.slice(),
      credential: hubCredential(),
    }),
  };
}

export function hasPendingProposals(client: ClientState): boolean {
  return Object.keys(client.unappliedProposals).length > 0;
}

/** The leaves that pending Remove proposals remove, each once, in arrival order. */
export function pendingRemovedLeaves(client: ClientState): number[] {
  const leaves = new Set<number>();
  for (const { proposal } of Object.values(client.unappliedProposals)) {
    if (proposal.proposalType === "remove") leaves.add(proposal.remove.removed);
  }
  return [...leaves];
}

/** [GR6] The leaves a member's own pending Remove proposals remove (leaving), each once. */
export function pendingLeftLeaves(client: ClientState): number[] {
  const leaves = new Set<number>();
  for (const { proposal, senderLeafIndex } of Object.values(client.unappliedProposals)) {
    if (proposal.proposalType === "remove" && senderLeafIndex !== undefined)
      leaves.add(proposal.remove.removed);
  }
  return [...leaves];
}

/**
 * The state to commit from: its pending proposals reduced to one Remove per
 * leaf. RFC 9420 §12.2 refuses a commit with two Removes of one leaf, and the
 * hub may propose the same removal twice in an epoch; a committer may leave
 * out proposals it cannot include (§12.2).
 */
export function withCommittableProposals(client: ClientState): ClientState {
  const kept: ClientState["unappliedProposals"] = {};
  const leaves = new Set<number>();
  for (const [ref, pending] of Object.entries(client.unappliedProposals)) {
    const proposal = pending.proposal;
    if (proposal.proposalType !== "remove" || leaves.has(proposal.remove.removed)) continue;
    leaves.add(proposal.remove.removed);
    kept[ref] = pending;
  }
  return { ...client, unappliedProposals: kept };
}

/** The proposal an entry of a commit stands for: inline, or a reference to a pending proposal. */
export function resolveProposal(item: ProposalOrRef, client: ClientState): Proposal {
  if (item.proposalOrRefType === "proposal") return item.proposal;
  const pending = client.unappliedProposals[bytesToBase64(item.reference)];
  if (pending === undefined) {
    throw new MlsEngineError(
      "MLS_INVALID_MESSAGE",
      "the commit refers to a proposal this device has not processed",
    );
  }
  return pending.proposal;
}
