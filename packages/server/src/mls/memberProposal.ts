/**
 * [GR6] What the hub reads of a member's leave proposal: an MLS PublicMessage
 * Remove proposal whose sender is a member leaf. The hub cannot check its
 * membership tag (it has no group secrets) and need not: it checks that the
 * leaf is the calling device's and the removed leaf is of the caller's
 * account; members check the MLS authentication when they process it.
 */
import { decodeMlsMessage } from "ts-mls";
import { makeProposalRef } from "ts-mls/authenticatedContent.js";
import { toHex } from "@switchboard/protocol";
import { ciphersuite } from "./hubSender.js";
import type { Inspected } from "./inspect.js";

export interface MemberRemoveProposal {
  groupId: string;
  epoch: number;
  senderLeaf: number;
  removedLeaf: number;
  /** Its ProposalRef (RFC 9420 §5.2), as members compute it, for commits that include it. */
  ref: Uint8Array;
}

export async function inspectMemberRemoveProposal(
  bytes: Uint8Array,
): Promise<Inspected<MemberRemoveProposal>> {
  let message;
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    message = decoded && decoded[1] === bytes.length ? decoded[0] : undefined;
  } catch {
    message = undefined;
  }
  if (message?.wireformat !== "mls_public_message")
    return { ok: false, reason: "a leave proposal must be an MLS PublicMessage" };
  const { content, auth } = message.publicMessage;
  if (content.contentType !== "proposal") return { ok: false, reason: "the PublicMessage is not a proposal" };
  if (content.sender.senderType !== "member")
    return { ok: false, reason: "the proposal's sender is not a member" };
  if (content.proposal.proposalType !== "remove")
    return { ok: false, reason: "only Remove proposals are taken" };
  const cs = await ciphersuite();
  const ref = await makeProposalRef({ wireformat: "mls_public_message", content, auth }, cs.hash);
  return {
    ok: true,
    value: {
      groupId: toHex(content.groupId),
      epoch: Number(content.epoch),
      senderLeaf: content.sender.leafIndex,
      removedLeaf: content.proposal.remove.removed,
      ref,
    },
  };
}
