/**
 * Row shapes as pg returns them (int8 parsed to number by the pool's type
 * table, bytea as Buffer, jsonb parsed), and their mapping to the port's
 * records. Kept in one place so every query returns the same record shapes.
 */
import type {
  AccountRecord,
  ConversationKind,
  ConversationRecord,
  DeviceRecord,
  EntryKind,
  InboxKind,
  InboxRecord,
  LogEntryRecord,
  MembershipDelta,
  PendingLinkRecord,
} from "../port.js";
import { copyDelta } from "../entryRecord.js";

export interface AccountRow {
  address: string;
  app: string;
  display_name: string;
  created_at: number;
}

export interface DeviceRow {
  id: string;
  address: string;
  signature_key: Buffer;
  created_at: number;
  last_seen_at: number;
  revoked_at: number | null;
  name: string;
  approved_by: string | null;
  approval: Buffer | null;
  approved_at: number | null;
}

export interface ConversationRow {
  id: string;
  kind: ConversationKind;
  epoch: number;
  last_seq: number;
  created_at: number;
  group_info: Buffer;
  participants: string[];
}

export interface LogRow {
  conversation_id: string;
  seq: number;
  kind: EntryKind;
  sender_device_id: string;
  sender_address: string;
  client_message_id: string;
  payload: Buffer;
  epoch: number;
  server_time: number;
  membership: MembershipDelta | null;
}

export interface InboxRow {
  id: number;
  device_id: string;
  kind: InboxKind;
  /** NULL for items outside any conversation; "" in the record. */
  conversation_id: string | null;
  payload: Buffer;
  sender_address: string;
  sender_device_id: string;
  server_time: number;
  seq: number;
  /** The shared Welcome's bytes (SPEC ST28) when the item refers to one, joined in by the read. */
  welcome_payload?: Buffer | null;
}

export interface PendingLinkRow {
  code: string;
  device_id: string;
  signature_key: Buffer;
  hpke_public_key: Buffer;
  device_name: string;
  created_at: number;
  expires_at: number;
}

/**
 * A plain Uint8Array copy of a bytea. pg decodes small values into slices of
 * Node's shared Buffer pool; a view would expose the rest of that slab
 * through `.buffer`, so each value gets its own exactly-sized memory.
 */
export function bytes(value: Buffer): Uint8Array {
  return new Uint8Array(value);
}

export function toAccount(row: AccountRow): AccountRecord {
  return { address: row.address, app: row.app, displayName: row.display_name, createdAt: row.created_at };
}

export function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    address: row.address,
    signatureKey: bytes(row.signature_key),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    name: row.name,
    approvedBy: row.approved_by,
    approval: row.approval === null ? null : bytes(row.approval),
    approvedAt: row.approved_at,
  };
}

/** Participants are sorted here, in JS, so every adapter agrees on the order whatever its collation. */
export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    kind: row.kind,
    epoch: row.epoch,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    participants: [...row.participants].sort(),
    groupInfo: bytes(row.group_info),
  };
}

export function toLogEntry(row: LogRow): LogEntryRecord {
  return {
    conversationId: row.conversation_id,
    seq: row.seq,
    kind: row.kind,
    senderDeviceId: row.sender_device_id,
    senderAddress: row.sender_address,
    clientMessageId: row.client_message_id,
    payload: bytes(row.payload),
    epoch: row.epoch,
    serverTime: row.server_time,
    membership: row.membership === null ? null : copyDelta(row.membership),
  };
}

export function toInboxItem(row: InboxRow): InboxRecord {
  return {
    id: row.id,
    deviceId: row.device_id,
    kind: row.kind,
    conversationId: row.conversation_id ?? "",
    payload: bytes(row.welcome_payload ?? row.payload),
    senderAddress: row.sender_address,
    serverTime: row.server_time,
    seq: row.seq,
    senderDeviceId: row.sender_device_id,
  };
}

export function toPendingLink(row: PendingLinkRow): PendingLinkRecord {
  return {
    code: row.code,
    deviceId: row.device_id,
    signatureKey: bytes(row.signature_key),
    hpkePublicKey: bytes(row.hpke_public_key),
    deviceName: row.device_name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
