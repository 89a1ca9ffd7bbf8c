/**
 * What the hub reads of MLS messages: framing only. Application messages are
 * PrivateMessages it cannot open; commits are PublicMessages (as IETF MIMI
 * requires of handshake messages) whose proposals it can follow, so it checks
 * that what a client says a commit does is what the commit does.
 */
import {
  decodeExternalSender,
  decodeMlsMessage,
  type Credential,
  type Extension,
  type ExternalSender,
  type GroupInfo,
  type MLSMessage,
} from "ts-mls";
import { ratchetTreeFromExtension } from "ts-mls/groupInfo.js";
import { readPrivateMessageHeader } from "./privateMessageHeader.js";
import { decodeCredentialIdentity, isHexOf, toHex, type CredentialIdentity } from "@switchboard/protocol";

export type Inspected<T> = { ok: true; value: T } | { ok: false; reason: string };

function decode(bytes: Uint8Array): MLSMessage | undefined {
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    if (!decoded || decoded[1] !== bytes.length) return undefined;
    return decoded[0];
  } catch {
    return undefined;
  }
}

export interface KeyPackageFacts {
  identity: CredentialIdentity;
  signatureKey: Uint8Array;
}

export function inspectKeyPackage(bytes: Uint8Array): Inspected<KeyPackageFacts> {
  const message = decode(bytes);
  if (message?.wireformat !== "mls_key_package") return { ok: false, reason: "not an MLS KeyPackage" };
  const leaf = message.keyPackage.leafNode;
  if (leaf.credential.credentialType !== "basic")
    return { ok: false, reason: "key package credential is not basic" };
  const identity = decodeCredentialIdentity(leaf.credential.identity);
  if (!identity) return { ok: false, reason: "key package credential identity is malformed" };
  return { ok: true, value: { identity, signatureKey: leaf.signaturePublicKey } };
}

/** A device a commit brings in: who its credential names and the key its leaf signs with. */
export interface AddedLeaf extends CredentialIdentity {
  signatureKey: Uint8Array;
}

export interface CommitFacts {
  groupId: string;
  epoch: number;
  /** "member" for a member's commit, "new_member_commit" for an external join. */
  senderType: string;
  /** Devices the commit's Add proposals add (read from their key packages' leaves). */
  added: AddedLeaf[];
  /** Leaf indices the commit's Remove proposals remove. */
  removedLeaves: number[];
  /**
   * ProposalRefs (RFC 9420 §5.2) of the proposals the commit includes by
   * reference. The only proposals anyone sends on their own are the hub's
   * (removals of revoked devices), so the hub resolves these against its own.
   */
  proposalRefs: Uint8Array[];
  /** For an external commit: the joining device, from the commit's UpdatePath leaf. */
  joiner: AddedLeaf | null;
  /** For a member's commit: the committer's leaf. */
  senderLeaf: number | null;
  /** The new GroupContext extensions of a GroupContextExtensions proposal (SPEC GR2), or null. */
  contextExtensions: Extension[] | null;
}

function identityOf(credential: Credential): CredentialIdentity | undefined {
  return credential.credentialType === "basic" ? decodeCredentialIdentity(credential.identity) : undefined;
}

function addedLeaf(leaf: { credential: Credential; signaturePublicKey: Uint8Array }): AddedLeaf | undefined {
  const identity = identityOf(leaf.credential);
  return identity && { ...identity, signatureKey: leaf.signaturePublicKey };
}

export function inspectCommit(bytes: Uint8Array): Inspected<CommitFacts> {
  const message = decode(bytes);
  if (message?.wireformat !== "mls_public_message")
    return { ok: false, reason: "a commit must be an MLS PublicMessage" };
  const content = message.publicMessage.content;
  if (content.contentType !== "commit") return { ok: false, reason: "the PublicMessage is not a commit" };
  const added: AddedLeaf[] = [];
  const removedLeaves: number[] = [];
  const proposalRefs: Uint8Array[] = [];
  let contextExtensions: Extension[] | null = null;
  for (const p of content.commit.proposals) {
    if (p.proposalOrRefType !== "proposal") {
      proposalRefs.push(p.reference);
      continue;
    }
    const proposal = p.proposal;
    if (proposal.proposalType === "add") {
      const leaf = addedLeaf(proposal.add.keyPackage.leafNode);
      if (!leaf) return { ok: false, reason: "an added key package has a malformed credential" };
      added.push(leaf);
    } else if (proposal.proposalType === "remove") {
      removedLeaves.push(proposal.remove.removed);
    } else if (proposal.proposalType === "group_context_extensions") {
      // RFC 9420 §12.2: at most one per commit (members refuse more); the hub reads the last.
      contextExtensions = proposal.groupContextExtensions.extensions;
    }
  }
  const sender = content.sender.senderType;
  let joiner: AddedLeaf | null = null;
  if (sender === "new_member_commit") {
    const path = content.commit.path;
    joiner = path ? (addedLeaf(path.leafNode) ?? null) : null;
    if (!joiner) return { ok: false, reason: "an external commit must carry the joiner's leaf" };
  }
  return {
    ok: true,
    value: {
      groupId: toHex(content.groupId),
      epoch: Number(content.epoch),
      senderType: sender,
      added,
      removedLeaves,
      proposalRefs,
      joiner,
      senderLeaf: content.sender.senderType === "member" ? content.sender.leafIndex : null,
      contextExtensions,
    },
  };
}

/** An application PrivateMessage of conversation `conversationId` (its group id in hex), and its epoch. */
export function inspectApplicationMessage(
  bytes: Uint8Array,
  conversationId: string,
): Inspected<{ epoch: number }> {
  const header = readPrivateMessageHeader(bytes);
  if (!header) return { ok: false, reason: "a message must be an MLS PrivateMessage" };
  if (header.contentType !== "application")
    return { ok: false, reason: "the PrivateMessage is not an application message" };
  if (!isHexOf(conversationId, header.groupId))
    return { ok: false, reason: "the message is for another group" };
  return { ok: true, value: { epoch: header.epoch } };
}

export interface GroupInfoFacts {
  groupId: string;
  epoch: number;
  /** Every GroupContext extension, for the group settings (SPEC GR1). */
  extensions: Extension[];
  /** The GroupContext's external senders (RFC 9420 §12.1.8.1), in extension order. */
  externalSenders: ExternalSender[];
}

export function inspectGroupInfo(bytes: Uint8Array): Inspected<GroupInfoFacts> {
  const groupInfo = decodeGroupInfo(bytes);
  if (!groupInfo) return { ok: false, reason: "not an MLS GroupInfo" };
  return groupInfoFacts(groupInfo);
}

/** The facts of an already decoded GroupInfo (the stored one is read once per commit). */
export function groupInfoFacts(groupInfo: GroupInfo): Inspected<GroupInfoFacts> {
  const context = groupInfo.groupContext;
  const externalSenders: ExternalSender[] = [];
  // ts-mls 1.6.4 writes one extension per external sender, each holding one
  // ExternalSender (RFC 9420 has one extension holding a vector; ARCHITECTURE.md).
  for (const extension of context.extensions) {
    if (extension.extensionType !== "external_senders") continue;
    const sender = decodeWhole(extension.extensionData);
    if (!sender) return { ok: false, reason: "the GroupInfo's external_senders extension is malformed" };
    externalSenders.push(sender);
  }
  return {
    ok: true,
    value: {
      groupId: toHex(context.groupId),
      epoch: Number(context.epoch),
      extensions: context.extensions,
      externalSenders,
    },
  };
}

function decodeWhole(data: Uint8Array): ExternalSender | undefined {
  try {
    const decoded = decodeExternalSender(data, 0);
    return decoded && decoded[1] === data.length ? decoded[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The GroupInfo inside a TLS-encoded MLSMessage, or undefined. */
export function decodeGroupInfo(bytes: Uint8Array): GroupInfo | undefined {
  const message = decode(bytes);
  return message?.wireformat === "mls_group_info" ? message.groupInfo : undefined;
}

export function isWelcome(bytes: Uint8Array): boolean {
  return decode(bytes)?.wireformat === "mls_welcome";
}

/**
 * Who sits at each leaf of the group, read from a GroupInfo's ratchet_tree
 * extension (RFC 9420 §12.4.3.3). Lets the hub map a commit's Remove
 * proposals (by leaf index) to devices.
 */
export function leafIdentities(
  groupInfo: Uint8Array | GroupInfo,
): Inspected<Map<number, CredentialIdentity>> {
  const info = groupInfo instanceof Uint8Array ? decodeGroupInfo(groupInfo) : groupInfo;
  if (!info) return { ok: false, reason: "not an MLS GroupInfo" };
  const tree = ratchetTreeFromExtension(info);
  if (!tree) return { ok: false, reason: "the GroupInfo has no ratchet_tree extension" };
  const leaves = new Map<number, CredentialIdentity>();
  // Leaves sit at the even node indices of the array-represented tree (RFC 9420 Appendix C).
  for (let nodeIndex = 0; nodeIndex < tree.length; nodeIndex += 2) {
    const node = tree[nodeIndex];
    if (node?.nodeType !== "leaf") continue;
    const identity = identityOf(node.leaf.credential);
    if (identity) leaves.set(nodeIndex / 2, identity);
  }
  return { ok: true, value: leaves };
}
