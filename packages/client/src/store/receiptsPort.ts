/**
 * The receipts port (SPEC RS5): who has a message, per conversation, message
 * and account: "delivered" (a device of theirs stored it) or "read". Kept
 * beside the LocalStore (every adapter implements both) so the big shared
 * interface does not grow for one feature.
 *
 * Rules every adapter keeps (test/store/receipts.test.ts runs them on each):
 * - [RC1] `putReceipts` only raises: a row goes none -> delivered -> read and
 *   never back; it resolves with exactly the rows it changed, with the new
 *   status and that receipt's `at`. A batch is applied atomically.
 * - [RC2] `listReceipts` returns a conversation's rows (of one message, when
 *   given) ordered by message id, then address.
 * - [RC3] rows survive reopening (durable adapters); a closed store refuses.
 */
import type { LocalStore } from "./port.js";

export type ReceiptStatus = "delivered" | "read";

export interface LocalReceipt {
  conversationId: string;
  /** The MIMI id (hex) of the message the receipt is about. */
  messageId: string;
  /** The account that has it: its report's authenticated sender. */
  address: string;
  status: ReceiptStatus;
  /** When this device learned it (ms). */
  at: number;
}

export interface ReceiptStore {
  putReceipts(receipts: readonly LocalReceipt[]): Promise<LocalReceipt[]>;
  listReceipts(conversationId: string, messageId?: string): Promise<LocalReceipt[]>;
}

export const RECEIPT_RANK: Record<ReceiptStatus, number> = { delivered: 1, read: 2 };

/** The receipts side of a store, when its adapter has one. */
export function receiptStoreOf(store: LocalStore): ReceiptStore | undefined {
  const candidate = store as Partial<ReceiptStore>;
  return typeof candidate.putReceipts === "function" && typeof candidate.listReceipts === "function"
    ? (store as unknown as ReceiptStore)
    : undefined;
}

export function compareReceipts(a: LocalReceipt, b: LocalReceipt): number {
  return a.messageId < b.messageId
    ? -1
    : a.messageId > b.messageId
      ? 1
      : a.address < b.address
        ? -1
        : a.address > b.address
          ? 1
          : 0;
}

/**
 * The rows of `incoming` that raise what `current(key)` holds, merged in
 * order (a batch may name one row twice). Pure: every adapter's write path.
 */
export function raisedReceipts(
  incoming: readonly LocalReceipt[],
  current: (r: LocalReceipt) => ReceiptStatus | undefined,
): LocalReceipt[] {
  const changed = new Map<string, LocalReceipt>();
  for (const receipt of incoming) {
    const key = `${receipt.conversationId}\n${receipt.messageId}\n${receipt.address}`;
    const before = changed.get(key)?.status ?? current(receipt);
    if (before !== undefined && RECEIPT_RANK[before] >= RECEIPT_RANK[receipt.status]) continue;
    changed.set(key, { ...receipt });
  }
  return [...changed.values()];
}
