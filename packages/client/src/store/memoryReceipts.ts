/** The in-memory receipts adapter (SPEC RC1-RC3), beside createMemoryStore's state. */
import { compareReceipts, raisedReceipts, type LocalReceipt, type ReceiptStore } from "./receiptsPort.js";

export function createMemoryReceipts(live: () => void): ReceiptStore {
  /** conversationId -> "messageId\naddress" -> receipt. */
  const rows = new Map<string, Map<string, LocalReceipt>>();
  const rowsOf = (conversationId: string) => {
    let byKey = rows.get(conversationId);
    if (!byKey) rows.set(conversationId, (byKey = new Map<string, LocalReceipt>()));
    return byKey;
  };
  const key = (r: { messageId: string; address: string }) => `${r.messageId}\n${r.address}`;
  return {
    async putReceipts(receipts) {
      live();
      const changed = raisedReceipts(receipts, (r) => rows.get(r.conversationId)?.get(key(r))?.status);
      for (const r of changed) rowsOf(r.conversationId).set(key(r), r);
      return changed.map((r) => ({ ...r }));
    },
    async listReceipts(conversationId, messageId) {
      live();
      return [...(rows.get(conversationId)?.values() ?? [])]
        .filter((r) => messageId === undefined || r.messageId === messageId)
        .sort(compareReceipts)
        .map((r) => ({ ...r }));
    },
  };
}
