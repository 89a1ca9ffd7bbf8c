/**
 * Rows as better-sqlite3 returns them, and the records they become. Blobs come
 * back as Node Buffers; we copy them into plain Uint8Arrays (LS5) so callers
 * on Node and in the browser see the same type, and none of them shares
 * memory with the driver.
 */
import type {
  LocalConversation,
  LocalConversationKind,
  LocalMessage,
  LocalReaction,
  OutboxItem,
  StoredIdentity,
  StoredKeyPackage,
} from "../port.js";
import type { StoredGroupState } from "../groupStateParts.js";

export interface IdentityRow {
  address: string;
  device_id: string;
  display_name: string;
  signature_public_key: Uint8Array;
  signature_private_key: Uint8Array;
  server: string;
  created_at: number;
}

export interface KeyPackageRow {
  ref: string;
  public_message: Uint8Array;
  private_state: Uint8Array;
  last_resort: number;
  created_at: number;
}

export interface ConversationRow {
  id: string;
  kind: string;
  title: string;
  peer: string | null;
  participants: string;
  /** Empty since migration 5: the state is in group_state_parts (groupStateRows.ts). */
  group_state: Uint8Array;
  state_version: string;
  epoch: number;
  applied_seq: number;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface MessageRow {
  conversation_id: string;
  id: string;
  seq: number | null;
  sender_address: string;
  sender_device_id: string;
  text: string;
  sent_at: number;
  server_time: number | null;
  outgoing: number;
  reply_to: string | null;
  edit_count: number;
  edited_at: number | null;
  deleted: number;
  expires_at: number | null;
}

export interface ReactionRow {
  conversation_id: string;
  message_id: string;
  sender_address: string;
  emoji: string;
  reaction_id: string;
  at: number;
}

export interface OutboxRow {
  client_message_id: string;
  conversation_id: string;
  payload: Uint8Array;
  epoch: number;
  created_at: number;
  plaintext: Uint8Array | null;
}

function kindOf(value: string): LocalConversationKind {
  if (value === "direct" || value === "group") return value;
  throw new Error(`corrupt local store: conversation kind "${value}"`);
}

function participantsOf(json: string): string[] {
  const value: unknown = JSON.parse(json);
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  throw new Error("corrupt local store: participants are not a list of addresses");
}

export function toIdentity(row: IdentityRow): StoredIdentity {
  return {
    address: row.address,
    deviceId: row.device_id,
    displayName: row.display_name,
    signaturePublicKey: new Uint8Array(row.signature_public_key),
    signaturePrivateKey: new Uint8Array(row.signature_private_key),
    server: row.server,
    createdAt: row.created_at,
  };
}

export function toKeyPackage(row: KeyPackageRow): StoredKeyPackage {
  return {
    ref: row.ref,
    publicMessage: new Uint8Array(row.public_message),
    privateState: new Uint8Array(row.private_state),
    lastResort: row.last_resort === 1,
    createdAt: row.created_at,
  };
}

export function toConversation(row: ConversationRow, groupState: StoredGroupState): LocalConversation {
  return {
    id: row.id,
    kind: kindOf(row.kind),
    title: row.title,
    peer: row.peer,
    participants: participantsOf(row.participants),
    groupState,
    epoch: row.epoch,
    appliedSeq: row.applied_seq,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toMessage(row: MessageRow): LocalMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderAddress: row.sender_address,
    senderDeviceId: row.sender_device_id,
    text: row.text,
    sentAt: row.sent_at,
    serverTime: row.server_time,
    outgoing: row.outgoing === 1,
    replyTo: row.reply_to,
    editCount: row.edit_count,
    editedAt: row.edited_at,
    deleted: row.deleted === 1,
    expiresAt: row.expires_at,
  };
}

export function toReaction(row: ReactionRow): LocalReaction {
  return {
    conversationId: row.conversation_id,
    messageId: row.message_id,
    senderAddress: row.sender_address,
    emoji: row.emoji,
    reactionId: row.reaction_id,
    at: row.at,
  };
}

export function toOutboxItem(row: OutboxRow): OutboxItem {
  return {
    clientMessageId: row.client_message_id,
    conversationId: row.conversation_id,
    payload: new Uint8Array(row.payload),
    epoch: row.epoch,
    createdAt: row.created_at,
    plaintext: row.plaintext === null ? null : new Uint8Array(row.plaintext),
  };
}
