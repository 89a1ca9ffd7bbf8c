/**
 * A sent message's status as its sender sees it (SPEC RS4). Pure.
 *
 * Per member: an account has a message once any of its devices reported it
 * (its best report counts: read on the phone is read). The message's status
 * is the lowest over the other participant accounts of the conversation:
 * "delivered" once every one of them has it, "read" once every one read it.
 * With read receipts off, nobody's "read" is seen (it counts as delivered).
 */
import type { LocalReceipt, ReceiptStatus } from "../store/receiptsPort.js";

export type MessageStatusView = "sending" | "sent" | ReceiptStatus;

export interface MemberStatus {
  address: string;
  status: "sent" | ReceiptStatus;
  at: number | null;
}

export interface StatusInput {
  /** null: not stored by the hub yet. */
  seq: number | null;
  senderAddress: string;
  /** The conversation's participant accounts now. */
  participants: readonly string[];
  /** The message's receipts (any accounts; others are ignored). */
  receipts: readonly LocalReceipt[];
  showRead: boolean;
}

const RANK = { sent: 0, delivered: 1, read: 2 } as const;

export function memberStatuses(input: StatusInput): MemberStatus[] {
  const byAddress = new Map(input.receipts.map((r) => [r.address, r]));
  return input.participants
    .filter((a) => a !== input.senderAddress)
    .map((address) => {
      const r = byAddress.get(address);
      if (!r) return { address, status: "sent" as const, at: null };
      const status = r.status === "read" && !input.showRead ? "delivered" : r.status;
      return { address, status, at: r.at };
    });
}

export function messageStatus(input: StatusInput): MessageStatusView {
  if (input.seq === null) return "sending";
  const members = memberStatuses(input);
  if (members.length === 0) return "sent";
  const lowest = Math.min(...members.map((m) => RANK[m.status]));
  return lowest === 2 ? "read" : lowest === 1 ? "delivered" : "sent";
}
