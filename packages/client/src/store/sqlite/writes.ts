/**
 * One LocalWrite as SQL. Called inside the transaction that `write` opens, so
 * a throw here (LS2, or the driver's own) rolls the whole batch back (LS1).
 */
import { unknownConversation } from "../errors.js";
import type { LocalWrite } from "../port.js";
import type { Statements } from "./statements.js";
import { storedVersion, writeGroupState } from "./groupStateRows.js";

const EMPTY = new Uint8Array(0);

const bit = (value: boolean): number => (value ? 1 : 0);

function requireConversation(statements: Statements, conversationId: string): void {
  // The foreign keys would refuse it too; checking first gives the typed error.
  if (statements.hasConversation.get(conversationId) === undefined) throw unknownConversation(conversationId);
}

/** Take a stored message's words out of the search index (XP8). */
function unindex(statements: Statements, conversationId: string, id: string): void {
  const row = statements.messageRowid.get(conversationId, id);
  if (row !== undefined) statements.unindexText.run(row.rowid);
}

export function applyWrite(statements: Statements, write: LocalWrite): void {
  switch (write.kind) {
    case "identity": {
      const { identity } = write;
      statements.putIdentity.run({
        address: identity.address,
        device_id: identity.deviceId,
        display_name: identity.displayName,
        signature_public_key: identity.signaturePublicKey,
        signature_private_key: identity.signaturePrivateKey,
        server: identity.server,
        created_at: identity.createdAt,
      });
      return;
    }
    case "putKeyPackages":
      for (const keyPackage of write.keyPackages) {
        statements.putKeyPackage.run({
          ref: keyPackage.ref,
          public_message: keyPackage.publicMessage,
          private_state: keyPackage.privateState,
          last_resort: bit(keyPackage.lastResort),
          created_at: keyPackage.createdAt,
        });
      }
      return;
    case "deleteKeyPackage":
      statements.deleteKeyPackage.run(write.ref);
      return;
    case "putConversation": {
      const { conversation } = write;
      const before = storedVersion(statements.groupState, conversation.id);
      statements.putConversation.run({
        id: conversation.id,
        kind: conversation.kind,
        title: conversation.title,
        peer: conversation.peer,
        participants: JSON.stringify(conversation.participants),
        group_state: EMPTY,
        state_version: conversation.groupState.version,
        epoch: conversation.epoch,
        applied_seq: conversation.appliedSeq,
        active: bit(conversation.active),
        created_at: conversation.createdAt,
        updated_at: conversation.updatedAt,
      });
      // After the row: the parts' foreign key names it.
      writeGroupState(statements.groupState, conversation.id, before, conversation.groupState);
      return;
    }
    case "putMessage": {
      const { message } = write;
      requireConversation(statements, message.conversationId);
      unindex(statements, message.conversationId, message.id);
      const put = statements.putMessage.run({
        conversation_id: message.conversationId,
        id: message.id,
        seq: message.seq,
        sender_address: message.senderAddress,
        sender_device_id: message.senderDeviceId,
        text: message.text,
        sent_at: message.sentAt,
        server_time: message.serverTime,
        outgoing: bit(message.outgoing),
        reply_to: message.replyTo,
        edit_count: message.editCount,
        edited_at: message.editedAt,
        deleted: bit(message.deleted),
        expires_at: message.expiresAt,
      });
      // XP8: a deleted message's tombstone is not indexed; an edit replaces the old words.
      if (!message.deleted && message.text !== "")
        statements.indexText.run(put.lastInsertRowid, message.text);
      return;
    }
    case "putOutbox": {
      const { item } = write;
      requireConversation(statements, item.conversationId);
      statements.putOutbox.run({
        client_message_id: item.clientMessageId,
        conversation_id: item.conversationId,
        payload: item.payload,
        epoch: item.epoch,
        created_at: item.createdAt,
        plaintext: item.plaintext,
      });
      return;
    }
    case "deleteOutbox":
      statements.deleteOutbox.run(write.clientMessageId);
      return;
    case "setMeta":
      statements.setMeta.run(write.key, write.value);
      return;
    case "deleteMessage":
      unindex(statements, write.conversationId, write.id);
      statements.deleteMessage.run(write.conversationId, write.id);
      statements.deleteReactionsOf.run(write.conversationId, write.id);
      return;
    case "putReaction": {
      const { reaction } = write;
      requireConversation(statements, reaction.conversationId);
      statements.putReaction.run({
        conversation_id: reaction.conversationId,
        message_id: reaction.messageId,
        sender_address: reaction.senderAddress,
        emoji: reaction.emoji,
        reaction_id: reaction.reactionId,
        at: reaction.at,
      });
      return;
    }
    case "deleteReaction":
      statements.deleteReaction.run(write.conversationId, write.messageId, write.senderAddress);
      return;
  }
}
