/**
 * Deep copies of stored records (rule LS5): the memory adapter keeps its own
 * copies so a caller that reuses or zeroes a buffer after `write` (as the SDK
 * does with used secrets) cannot reach into the store, and vice versa.
 * `new Uint8Array(bytes)` copies, and turns a Node Buffer into a plain array.
 */
import { copyGroupState } from "./groupStateParts.js";
import type {
  LocalConversation,
  LocalMessage,
  LocalReaction,
  OutboxItem,
  StoredIdentity,
  StoredKeyPackage,
} from "./port.js";

export function copyIdentity(identity: StoredIdentity): StoredIdentity {
  return {
    address: identity.address,
    deviceId: identity.deviceId,
    displayName: identity.displayName,
    signaturePublicKey: new Uint8Array(identity.signaturePublicKey),
    signaturePrivateKey: new Uint8Array(identity.signaturePrivateKey),
    server: identity.server,
    createdAt: identity.createdAt,
  };
}

export function copyKeyPackage(keyPackage: StoredKeyPackage): StoredKeyPackage {
  return {
    ref: keyPackage.ref,
    publicMessage: new Uint8Array(keyPackage.publicMessage),
    privateState: new Uint8Array(keyPackage.privateState),
    lastResort: keyPackage.lastResort,
    createdAt: keyPackage.createdAt,
  };
}

export function copyConversation(conversation: LocalConversation): LocalConversation {
  return {
    id: conversation.id,
    kind: conversation.kind,
    title: conversation.title,
    peer: conversation.peer,
    participants: [...conversation.participants],
    groupState: copyGroupState(conversation.groupState),
    epoch: conversation.epoch,
    appliedSeq: conversation.appliedSeq,
    active: conversation.active,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
  };
}

export function copyMessage(message: LocalMessage): LocalMessage {
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    senderAddress: message.senderAddress,
    senderDeviceId: message.senderDeviceId,
    text: message.text,
    sentAt: message.sentAt,
    serverTime: message.serverTime,
    outgoing: message.outgoing,
    replyTo: message.replyTo,
    editCount: message.editCount,
    editedAt: message.editedAt,
    deleted: message.deleted,
    expiresAt: message.expiresAt,
  };
}

export function copyReaction(reaction: LocalReaction): LocalReaction {
  return { ...reaction };
}

export function copyOutboxItem(item: OutboxItem): OutboxItem {
  return {
    clientMessageId: item.clientMessageId,
    conversationId: item.conversationId,
    payload: new Uint8Array(item.payload),
    epoch: item.epoch,
    createdAt: item.createdAt,
    plaintext: item.plaintext === null ? null : new Uint8Array(item.plaintext),
  };
}
