/**
 * Receipts in and out (SPEC RS1-RS6).
 * Out: delivered for every message from another account once stored here
 * (batched by the caller), read when the person reads a conversation; never
 * for our own messages or for receipts themselves. In: a report from another
 * account raises that account's row for each of our messages it names; with
 * read receipts off, "read" is kept as "delivered" (seen both ways, as
 * WhatsApp does). A report from another device of our own account records
 * what we already read there, so reading here does not report it again.
 */
import { contentMessageId, isContentMessageId } from "../content/ids.js";
import { sendContent, type SendDeps } from "../conversations/sendContent.js";
import type { LocalMessage, LocalStore } from "../store/port.js";
import type { LocalReceipt, ReceiptStatus, ReceiptStore } from "../store/receiptsPort.js";
import { MIMI_LIMITS } from "@switchboard/protocol";
import { receiptsContent } from "./signals.js";

export interface ReceiptEvent {
  conversationId: string;
  /** The message (ours) the receipt is about. */
  messageId: string;
  /** The account that has it now. */
  from: string;
  status: ReceiptStatus;
  at: number;
}

/** Send one report over the outbox (ordered and retried like any message; marked non-urgent there). */
export async function sendReceipts(
  deps: SendDeps,
  conversationId: string,
  entries: { messageId: string; status: ReceiptStatus }[],
): Promise<void> {
  if (entries.length === 0) return;
  await sendContent(deps, conversationId, () => {
    const salt = globalThis.crypto.getRandomValues(new Uint8Array(MIMI_LIMITS.saltBytes));
    const plaintext = receiptsContent(entries, salt);
    const id = contentMessageId(deps.identity().address, conversationId, plaintext, salt);
    return { id, plaintext, writes: [] };
  });
}

/**
 * Does this stored message get a receipt from us? Only a MIMI message has an
 * id a report can name (a legacy protobuf message's id is not 32 bytes).
 */
export function wantsDelivered(message: LocalMessage, me: string): boolean {
  return (
    !message.outgoing &&
    message.seq !== null &&
    message.senderAddress !== me &&
    isContentMessageId(message.id)
  );
}

/** The messages of a conversation we have not marked read yet (from other accounts, not deleted). */
export async function unreadMessages(
  store: LocalStore,
  receipts: ReceiptStore,
  conversationId: string,
  me: string,
): Promise<LocalMessage[]> {
  const mine = new Set(
    (await receipts.listReceipts(conversationId))
      .filter((r) => r.address === me && r.status === "read")
      .map((r) => r.messageId),
  );
  return (await store.listMessages(conversationId)).filter(
    (m) => wantsDelivered(m, me) && !m.deleted && !mine.has(m.id),
  );
}

/** Record an incoming report; answers the receipt events it makes (ours only, raised only). */
export async function recordReport(
  store: LocalStore,
  receipts: ReceiptStore,
  report: {
    conversationId: string;
    from: string;
    me: string;
    at: number;
    showRead: boolean;
    entries: { messageId: string; status: ReceiptStatus }[];
  },
): Promise<ReceiptEvent[]> {
  const { conversationId, from, me, at } = report;
  const rows: LocalReceipt[] = [];
  for (const entry of report.entries) {
    if (from !== me) {
      const message = await store.getMessage(conversationId, entry.messageId);
      // Only receipts for what this account sent count; others' are none of our business.
      if (!message?.outgoing) continue;
    }
    const status = entry.status === "read" && !report.showRead && from !== me ? "delivered" : entry.status;
    rows.push({ conversationId, messageId: entry.messageId, address: from, status, at });
  }
  const changed = await receipts.putReceipts(rows);
  if (from === me) return [];
  return changed.map((r) => ({ conversationId, messageId: r.messageId, from, status: r.status, at: r.at }));
}
