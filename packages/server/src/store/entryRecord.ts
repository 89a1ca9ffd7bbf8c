import type { EntryKind, LogEntryRecord, MembershipDelta, NewMessage } from "./port.js";

/** What an entry carries besides what the log assigns (seq) or the kind implies: a NewMessage's fields. */
export type EntryFields = NewMessage;

/**
 * The record of an entry as stored, built from what was written rather than
 * read back; every adapter answers an append with it.
 */
export function entryRecord(
  kind: EntryKind,
  f: EntryFields,
  seq: number,
  membership: MembershipDelta | null,
): LogEntryRecord {
  return {
    conversationId: f.conversationId,
    seq,
    kind,
    senderDeviceId: f.senderDeviceId,
    senderAddress: f.senderAddress,
    clientMessageId: f.clientMessageId,
    payload: f.payload,
    epoch: f.epoch,
    serverTime: f.serverTime,
    membership,
  };
}

/** Only the four lists are stored, whatever else the caller's object carries. */
export function copyDelta(delta: MembershipDelta): MembershipDelta {
  return {
    addedDevices: [...delta.addedDevices],
    removedDevices: [...delta.removedDevices],
    addedAccounts: [...delta.addedAccounts],
    removedAccounts: [...delta.removedAccounts],
  };
}
