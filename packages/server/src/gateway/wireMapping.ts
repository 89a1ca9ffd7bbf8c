/** Domain records <-> wire messages. The only place that knows both shapes. */
import {
  ConversationKind as WireConversationKind,
  EntryKind as WireEntryKind,
  InboxKind as WireInboxKind,
  create,
  ConversationSummarySchema,
  DeviceSchema,
  InboxItemSchema,
  LogEntrySchema,
  type ConversationSummary,
  type Device,
  type InboxItem,
  type LogEntry,
} from "@switchboard/protocol";
import type {
  ConversationKind,
  ConversationView,
  DeviceRecord,
  InboxRecord,
  LogEntryRecord,
} from "../store/port.js";

export function toWireEntry(entry: LogEntryRecord): LogEntry {
  return create(LogEntrySchema, {
    conversationId: entry.conversationId,
    seq: BigInt(entry.seq),
    kind: entry.kind === "commit" ? WireEntryKind.COMMIT : WireEntryKind.APPLICATION,
    senderDeviceId: entry.senderDeviceId,
    senderAddress: entry.senderAddress,
    payload: entry.payload,
    epoch: BigInt(entry.epoch),
    serverTime: BigInt(entry.serverTime),
    ...(entry.membership ? { membership: entry.membership } : {}),
  });
}

export function toWireInboxItem(item: InboxRecord): InboxItem {
  return create(InboxItemSchema, {
    id: BigInt(item.id),
    kind: WireInboxKind.WELCOME,
    conversationId: item.conversationId,
    payload: item.payload,
    senderAddress: item.senderAddress,
    serverTime: BigInt(item.serverTime),
    seq: BigInt(item.seq),
  });
}

export function toWireConversation(
  c: ConversationView | (Omit<ConversationView, "cursor"> & { cursor?: number }),
): ConversationSummary {
  return create(ConversationSummarySchema, {
    id: c.id,
    kind: c.kind === "direct" ? WireConversationKind.DIRECT : WireConversationKind.GROUP,
    epoch: BigInt(c.epoch),
    participants: c.participants,
    cursor: BigInt(c.cursor ?? 0),
    lastSeq: BigInt(c.lastSeq),
    createdAt: BigInt(c.createdAt),
  });
}

export function toWireDevice(d: DeviceRecord): Device {
  return create(DeviceSchema, { id: d.id, signatureKey: d.signatureKey, createdAt: BigInt(d.createdAt) });
}

export function fromWireConversationKind(kind: WireConversationKind): ConversationKind | undefined {
  if (kind === WireConversationKind.DIRECT) return "direct";
  if (kind === WireConversationKind.GROUP) return "group";
  return undefined;
}

/** uint64 from the wire to a safe JS number; anything past 2^53 is clamped (no seq or id gets there). */
export function toSafeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
