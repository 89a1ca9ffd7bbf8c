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
  PendingLinkSchema,
  type ConversationSummary,
  type Device,
  type InboxItem,
  type LogEntry,
  type PendingLink,
} from "@switchboard/protocol";
import type {
  ConversationKind,
  ConversationView,
  DeviceRecord,
  EntryKind,
  InboxKind,
  InboxRecord,
  LogEntryRecord,
  PendingLinkRecord,
} from "../store/port.js";

const ENTRY_KINDS: Record<EntryKind, WireEntryKind> = {
  application: WireEntryKind.APPLICATION,
  commit: WireEntryKind.COMMIT,
  proposal: WireEntryKind.PROPOSAL,
};

const INBOX_KINDS: Record<InboxKind, WireInboxKind> = {
  welcome: WireInboxKind.WELCOME,
  link: WireInboxKind.LINK,
  device_message: WireInboxKind.DEVICE_MESSAGE,
};

export function toWireEntry(entry: LogEntryRecord): LogEntry {
  return create(LogEntrySchema, {
    conversationId: entry.conversationId,
    seq: BigInt(entry.seq),
    kind: ENTRY_KINDS[entry.kind],
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
    kind: INBOX_KINDS[item.kind],
    conversationId: item.conversationId,
    payload: item.payload,
    senderAddress: item.senderAddress,
    serverTime: BigInt(item.serverTime),
    seq: BigInt(item.seq),
    senderDeviceId: item.senderDeviceId,
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

/**
 * A device as anyone may see it: keys, times and the approval chain. `own`
 * (the caller's own account) adds its name and when it was last seen.
 */
export function toWireDevice(d: DeviceRecord, own: boolean): Device {
  return create(DeviceSchema, {
    id: d.id,
    signatureKey: d.signatureKey,
    createdAt: BigInt(d.createdAt),
    revokedAt: BigInt(d.revokedAt ?? 0),
    approvedBy: d.approvedBy ?? "",
    approval: d.approval ?? new Uint8Array(),
    approvedAt: BigInt(d.approvedAt ?? 0),
    ...(own ? { name: d.name, lastSeenAt: BigInt(d.lastSeenAt) } : {}),
  });
}

export function toWirePendingLink(link: PendingLinkRecord): PendingLink {
  return create(PendingLinkSchema, {
    code: link.code,
    deviceId: link.deviceId,
    signatureKey: link.signatureKey,
    hpkePublicKey: link.hpkePublicKey,
    deviceName: link.deviceName,
    expiresAt: BigInt(link.expiresAt),
  });
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
