/**
 * Processing what arrives from the log: application PrivateMessages, commit
 * PublicMessages and the hub's Remove proposals (PublicMessages from the
 * external sender). Everything is checked for group and epoch before ts-mls
 * sees it, so the caller gets a precise error code.
 */
import { bytesToBase64, makePskIndex, processPrivateMessage, processPublicMessage } from "ts-mls";
import type {
  CiphersuiteImpl,
  ClientState,
  Credential,
  Extension,
  PrivateMessage,
  ProposalOrRef,
  PublicMessage,
} from "ts-mls";
import { unprotectPublicMessage, decryptSenderData, senderFromExtension } from "./tsMlsInternals.js";
import type { GroupMember, Processed } from "./engine.js";
import { MlsEngineError, engineError } from "./errors.js";
import { isHubCredential, parseCredential, type RemovalVerifier } from "./credential.js";
import { equalBytes } from "@switchboard/protocol";
import { memberAt, membersOf } from "./members.js";
import { resolveProposal } from "./proposals.js";
import { requireAllowedContext, requireMayManage, settingsIn } from "./groupSettings.js";
import { keepsStandardExtensions } from "./groupExtensions.js";
import { allSecrets, retiredSecrets } from "./retire.js";
import { EngineGroupState } from "./state.js";

function checkGroup(client: ClientState, groupId: Uint8Array): void {
  if (!equalBytes(client.groupContext.groupId, groupId))
    throw new MlsEngineError("MLS_WRONG_GROUP", "the message is for another group");
}

function wrongEpoch(kind: string, epoch: bigint, client: ClientState): MlsEngineError {
  return new MlsEngineError(
    "MLS_WRONG_EPOCH",
    `${kind} for epoch ${epoch}, this state is at epoch ${client.groupContext.epoch}`,
  );
}

/**
 * The device a leaf arriving in a commit names. Our authentication service
 * let it through, but it cannot tell a leaf from an external sender, so a
 * leaf with the hub's credential is refused here.
 */
function deviceIdOf(credential: Credential, what: string): string {
  const device = parseCredential(credential);
  if (device === undefined)
    throw new MlsEngineError("MLS_INVALID_CREDENTIAL", `${what} has no device credential`);
  return device.deviceId;
}

export async function processApplication(
  cs: CiphersuiteImpl,
  from: EngineGroupState,
  client: ClientState,
  pm: PrivateMessage,
): Promise<Processed> {
  checkGroup(client, pm.groupId);
  // Handshakes must be PublicMessages so the server can follow membership (DESIGN: like MIMI).
  if (pm.contentType !== "application")
    throw new MlsEngineError("MLS_UNSUPPORTED", `encrypted ${pm.contentType} messages are not used`);
  const current = client.groupContext.epoch;
  // RFC 9420 §14: messages sent just before a commit was accepted arrive in the
  // old epoch; ts-mls keeps a few past epochs' receiver secrets for them.
  const epoch =
    pm.epoch === current
      ? { senderDataSecret: client.keySchedule.senderDataSecret, ratchetTree: client.ratchetTree }
      : pm.epoch < current
        ? client.historicalReceiverData.get(pm.epoch)
        : undefined;
  if (epoch === undefined) throw wrongEpoch("application message", pm.epoch, client);

  let result: Awaited<ReturnType<typeof processPrivateMessage>>;
  try {
    result = await processPrivateMessage(client, pm, makePskIndex(client, {}), cs);
  } catch (e) {
    throw await decryptFailure(cs, pm, epoch.senderDataSecret, client, e);
  }
  if (result.kind !== "applicationMessage")
    throw new MlsEngineError("MLS_DECRYPT_FAILED", "application message: not an application message");
  // The sender's leaf, from the sender data (RFC 9420 §6.3.2), whose key ts-mls checked the signature with.
  let sender: GroupMember;
  try {
    sender = memberAt(epoch.ratchetTree, result.senderLeafIndex);
  } catch (e) {
    throw new MlsEngineError("MLS_DECRYPT_FAILED", "sender data does not name a member", { cause: e });
  }
  return {
    kind: "application",
    plaintext: result.message,
    sender,
    newState: new EngineGroupState(result.newState, result.consumed, from),
  };
}

/**
 * Why a PrivateMessage did not process. Only now is the sender data decrypted
 * on its own (ts-mls decrypts it once on the way in, so a message that reads
 * costs one decryption): our own message is MLS_OWN_MESSAGE (our ratchet has
 * moved past it), anything else MLS_DECRYPT_FAILED.
 */
async function decryptFailure(
  cs: CiphersuiteImpl,
  pm: PrivateMessage,
  senderDataSecret: Uint8Array,
  client: ClientState,
  cause: unknown,
): Promise<MlsEngineError> {
  let senderData: Awaited<ReturnType<typeof decryptSenderData>>;
  try {
    senderData = await decryptSenderData(pm, senderDataSecret, cs);
  } catch (e) {
    return new MlsEngineError("MLS_DECRYPT_FAILED", "sender data does not decrypt", { cause: e });
  }
  if (senderData === undefined)
    return new MlsEngineError("MLS_DECRYPT_FAILED", "sender data does not decode", { cause });
  if (senderData.leafIndex === client.privatePath.leafIndex)
    return new MlsEngineError(
      "MLS_OWN_MESSAGE",
      "this device sent the message; its ratchet has moved past it",
    );
  return new MlsEngineError(
    "MLS_DECRYPT_FAILED",
    `application message: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}

/**
 * The hub's proposal to remove a revoked device (RFC 9420 §12.1.8.1). ts-mls
 * checks its signature against the group's external_senders extension and
 * keeps it pending; the next commit must carry it. Proposals from anyone
 * else, or of any other kind, are not used: members change the group by
 * commits with their proposals inline.
 */
export async function processProposal(
  cs: CiphersuiteImpl,
  from: EngineGroupState,
  client: ClientState,
  pm: PublicMessage,
  verifyRemoval?: RemovalVerifier,
): Promise<Processed> {
  const content = pm.content;
  checkGroup(client, content.groupId);
  if (content.contentType !== "proposal") throw new MlsEngineError("MLS_INTERNAL", "not a proposal");
  // RFC 9420 §12.1: a proposal is for one epoch; the hub proposes again after a commit that left it out.
  if (content.epoch !== client.groupContext.epoch) throw wrongEpoch("proposal", content.epoch, client);
  const sent = content.sender;
  if (sent.senderType === "member") return processLeaveProposal(cs, from, client, pm, sent.leafIndex);
  if (sent.senderType !== "external")
    throw new MlsEngineError("MLS_UNSUPPORTED", `proposals from ${sent.senderType} senders are not used`);
  let senderIsHub: boolean;
  try {
    const sender = senderFromExtension(client.groupContext.extensions, sent.senderIndex);
    if (sender === undefined) throw new Error(`the group has no external sender ${sent.senderIndex}`);
    senderIsHub = isHubCredential(sender.credential);
  } catch (e) {
    throw engineError(e, "MLS_INVALID_MESSAGE", "proposal refused");
  }
  if (!senderIsHub) throw new MlsEngineError("MLS_UNSUPPORTED", "only the hub's external proposals are used");
  const proposal = content.proposal;
  if (proposal.proposalType !== "remove")
    throw new MlsEngineError(
      "MLS_UNSUPPORTED",
      `external ${String(proposal.proposalType)} proposals are not used`,
    );
  // A Remove of a blank leaf would make every later commit invalid: refuse it now.
  const removed = memberAt(client.ratchetTree, proposal.remove.removed);
  // [DIR14] the hub removes a device only with its account's signed revocation
  // (RFC 9420 §6: authenticated_data is covered by the hub's signature, which
  // processPublicMessage checks below). Refused, it is never kept, so never committed.
  const target = { address: removed.address, deviceId: removed.deviceId };
  if (
    verifyRemoval &&
    !(await verifyRemoval({ removed: target, authenticatedData: content.authenticatedData }))
  )
    throw new MlsEngineError(
      "MLS_REMOVAL_NOT_SIGNED",
      `the hub's removal of ${removed.address}/${removed.deviceId} carries no revocation signed by that account`,
    );

  let result: Awaited<ReturnType<typeof processPublicMessage>>;
  try {
    result = await processPublicMessage(client, pm, makePskIndex(client, {}), cs);
  } catch (e) {
    throw engineError(e, "MLS_INVALID_MESSAGE", "proposal refused");
  }
  return {
    kind: "proposal",
    newState: new EngineGroupState(result.newState, result.consumed, from),
    removedDevices: [removed.deviceId],
    byMember: false,
  };
}

/**
 * [GR6] A member's proposal to remove a device of its own account (leaving).
 * Kept pending like the hub's Removes; the next commit carries it. A member
 * may not propose anyone else's removal: that is an admin's commit (GR2).
 */
async function processLeaveProposal(
  cs: CiphersuiteImpl,
  from: EngineGroupState,
  client: ClientState,
  pm: PublicMessage,
  senderLeaf: number,
): Promise<Processed> {
  const content = pm.content;
  if (content.contentType !== "proposal") throw new MlsEngineError("MLS_INTERNAL", "not a proposal");
  const proposal = content.proposal;
  if (proposal.proposalType !== "remove")
    throw new MlsEngineError(
      "MLS_UNSUPPORTED",
      `member ${String(proposal.proposalType)} proposals are not used`,
    );
  const sender = memberAt(client.ratchetTree, senderLeaf);
  const removed = memberAt(client.ratchetTree, proposal.remove.removed);
  if (removed.address !== sender.address)
    throw new MlsEngineError("MLS_UNSUPPORTED", "a member may propose only its own account's removal");
  // Our own proposal, back from the log: createProposal already keeps it pending.
  if (senderLeaf === client.privatePath.leafIndex)
    return { kind: "proposal", newState: from, removedDevices: [removed.deviceId], byMember: true };
  let result: Awaited<ReturnType<typeof processPublicMessage>>;
  try {
    result = await processPublicMessage(client, pm, makePskIndex(client, {}), cs);
  } catch (e) {
    throw engineError(e, "MLS_INVALID_MESSAGE", "proposal refused");
  }
  return {
    kind: "proposal",
    newState: new EngineGroupState(result.newState, result.consumed, from),
    removedDevices: [removed.deviceId],
    byMember: true,
  };
}

export async function processCommit(
  cs: CiphersuiteImpl,
  from: EngineGroupState,
  client: ClientState,
  pm: PublicMessage,
): Promise<Processed> {
  const content = pm.content;
  checkGroup(client, content.groupId);
  if (content.contentType !== "commit")
    throw new MlsEngineError("MLS_UNSUPPORTED", `public ${content.contentType} messages are not used`);
  // RFC 9420 §14: one commit per epoch; one for another epoch lost the race or is from the future.
  if (content.epoch !== client.groupContext.epoch) throw wrongEpoch("commit", content.epoch, client);
  const sent = content.sender;
  // RFC 9420 §12.1.8: external senders only propose.
  if (sent.senderType !== "member" && sent.senderType !== "new_member_commit")
    throw new MlsEngineError("MLS_UNSUPPORTED", `commits from ${sent.senderType} senders are not used`);
  if (sent.senderType === "member" && sent.leafIndex === client.privatePath.leafIndex) {
    throw new MlsEngineError(
      "MLS_OWN_MESSAGE",
      "this device made the commit; adopt its pending state instead",
    );
  }
  if (content.commit.path !== undefined) deviceIdOf(content.commit.path.leafNode.credential, "the committer");

  const changes = commitChanges(content.commit.proposals, client);
  const { addedDevices, removedDevices, removesMe, leftDevices } = changes;
  const before = client.groupContext.extensions;
  if (changes.extensions !== undefined) {
    if (sent.senderType !== "member")
      throw new MlsEngineError("MLS_UNSUPPORTED", "an external commit may not change the group context");
    requireAllowedContext(before, changes.extensions);
  }
  // [GR2] the same rule the hub enforces, checked by every member.
  if (sent.senderType === "member") {
    requireMayManage(settingsIn(before), memberAt(client.ratchetTree, sent.leafIndex).address, {
      adds: changes.addedAccounts,
      removes: changes.inlineRemovedAccounts,
      changesContext: changes.extensions !== undefined,
    });
  }
  if (removesMe)
    return removedByCommit(cs, from, client, pm, {
      addedDevices,
      removedDevices,
      leftDevices,
      settings: settingsIn(changes.extensions ?? before),
    });

  let result: Awaited<ReturnType<typeof processPublicMessage>>;
  try {
    result = await processPublicMessage(client, pm, makePskIndex(client, {}), cs);
  } catch (e) {
    throw engineError(e, "MLS_INVALID_MESSAGE", "commit refused");
  }
  const after = result.newState;
  let sender: GroupMember | null = null;
  if (sent.senderType === "member") {
    sender = memberAt(client.ratchetTree, sent.leafIndex);
  } else if (sent.senderType === "new_member_commit" && content.commit.path !== undefined) {
    // RFC 9420 §12.4.3.2: an external committer is the leaf its UpdatePath brings.
    const key = content.commit.path.leafNode.signaturePublicKey;
    sender = membersOf(after.ratchetTree).find((m) => equalBytes(m.signaturePublicKey, key)) ?? null;
    if (sender !== null) addedDevices.push(sender.deviceId);
  }
  return {
    kind: "commit",
    newState: new EngineGroupState(after, [...result.consumed, ...retiredSecrets(client, after)], from),
    sender,
    addedDevices,
    removedDevices,
    removedSelf: false,
    leftDevices,
    settings: settingsIn(after.groupContext.extensions),
  };
}

/**
 * What a commit does, reported the way createCommit reports it. Its
 * proposals are inline (a member's Adds and Removes, an external joiner's
 * ExternalInit and resync Remove) or references to the hub's pending Removes
 * (RFC 9420 §12.4), looked up in this state, and a GroupContextExtensions
 * that changes only our private-use extensions (SPEC XP1). Nothing else is
 * used: an Update, or a GroupContextExtensions that touches a standard
 * extension (which could drop the hub as external sender), is refused.
 */
function commitChanges(
  proposals: ProposalOrRef[],
  client: ClientState,
): {
  addedDevices: string[];
  removedDevices: string[];
  removesMe: boolean;
  leftDevices: string[];
  addedAccounts: string[];
  inlineRemovedAccounts: string[];
  extensions: Extension[] | undefined;
} {
  const addedDevices: string[] = [];
  const removedDevices = new Set<string>();
  const leftDevices: string[] = [];
  let removesMe = false;
  const addedAccounts: string[] = [];
  const inlineRemovedAccounts: string[] = [];
  let extensions: Extension[] | undefined;
  for (const item of proposals) {
    const proposal = resolveProposal(item, client);
    switch (proposal.proposalType) {
      case "remove": {
        removesMe ||= proposal.remove.removed === client.privatePath.leafIndex;
        const { deviceId, address } = memberAt(client.ratchetTree, proposal.remove.removed);
        removedDevices.add(deviceId);
        if (item.proposalOrRefType === "proposal") inlineRemovedAccounts.push(address);
        // [GR6] a pending Remove a member proposed (only ever its own account's): leaving.
        else if (proposerLeaf(item, client) !== undefined) leftDevices.push(deviceId);
        break;
      }
      case "group_context_extensions":
        // [XP1] only our own extensions may change; external_senders (the hub) stays.
        if (
          !keepsStandardExtensions(client.groupContext.extensions, proposal.groupContextExtensions.extensions)
        )
          throw new MlsEngineError(
            "MLS_UNSUPPORTED",
            "a GroupContextExtensions change of a standard extension",
          );
        extensions = proposal.groupContextExtensions.extensions;
        break;
      case "add": {
        const credential = proposal.add.keyPackage.leafNode.credential;
        addedDevices.push(deviceIdOf(credential, "an added member"));
        addedAccounts.push(parseCredential(credential)?.address ?? "");
        break;
      }
      case "external_init":
        break;
      default:
        throw new MlsEngineError(
          "MLS_UNSUPPORTED",
          `commits with ${String(proposal.proposalType)} proposals are not used`,
        );
    }
  }
  return {
    addedDevices,
    removedDevices: [...removedDevices],
    removesMe,
    leftDevices,
    addedAccounts,
    inlineRemovedAccounts,
    extensions,
  };
}

/** The member leaf that sent a pending proposal a commit refers to; undefined for the hub's. */
function proposerLeaf(item: ProposalOrRef, client: ClientState): number | undefined {
  if (item.proposalOrRefType !== "reference") return undefined;
  return client.unappliedProposals[bytesToBase64(item.reference)]?.senderLeafIndex;
}

/**
 * This device is removed. ts-mls cannot be asked (with an Add in the same
 * commit the new member takes our blank leaf, and ts-mls then looks for path
 * secrets we will never get), and need not be: the removed member only has
 * to know the commit is authentic, i.e. framed for this epoch, tagged with
 * the membership key and signed by its sender (RFC 9420 §6.2). The resulting
 * state only says "removed"; everything secret in it is wiped once it is used.
 */
async function removedByCommit(
  cs: CiphersuiteImpl,
  from: EngineGroupState,
  client: ClientState,
  pm: PublicMessage,
  changes: {
    addedDevices: string[];
    removedDevices: string[];
    leftDevices: string[];
    settings: ReturnType<typeof settingsIn>;
  },
): Promise<Processed> {
  try {
    await unprotectPublicMessage(
      client.keySchedule.membershipKey,
      client.groupContext,
      client.ratchetTree,
      pm,
      cs,
    );
  } catch (e) {
    throw engineError(e, "MLS_INVALID_MESSAGE", "commit refused");
  }
  const sent = pm.content.sender;
  const removed: ClientState = {
    ...client,
    unappliedProposals: {},
    groupActiveState: { kind: "removedFromGroup" },
  };
  return {
    kind: "commit",
    newState: new EngineGroupState(removed, allSecrets(client), from),
    sender: sent.senderType === "member" ? memberAt(client.ratchetTree, sent.leafIndex) : null,
    ...changes,
    removedSelf: true,
  };
}
