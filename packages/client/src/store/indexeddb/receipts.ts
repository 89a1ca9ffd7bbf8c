/**
 * The IndexedDB receipts adapter (SPEC RC1-RC3): the "receipts" object store
 * (schema 3), keyed [conversationId, messageId, address]. One readwrite
 * transaction per batch: read the rows it names, write the ones it raises.
 * Receipts are not secret from the device's own storage (the messages they
 * name are stored in the clear too), so nothing is sealed.
 */
import { raisedReceipts, compareReceipts, type LocalReceipt, type ReceiptStore } from "../receiptsPort.js";
import type { Db } from "./schema.js";

export function createIdbReceipts(open: () => Db): ReceiptStore {
  return {
    async putReceipts(receipts) {
      const tx = open().transaction("receipts", "readwrite");
      const current = new Map<string, LocalReceipt>();
      for (const r of receipts) {
        const found = await tx.store.get([r.conversationId, r.messageId, r.address]);
        if (found) current.set(`${r.conversationId}\n${r.messageId}\n${r.address}`, found);
      }
      const changed = raisedReceipts(
        receipts,
        (r) => current.get(`${r.conversationId}\n${r.messageId}\n${r.address}`)?.status,
      );
      for (const r of changed) await tx.store.put({ ...r });
      await tx.done;
      return changed;
    },
    async listReceipts(conversationId, messageId) {
      const range =
        messageId === undefined
          ? IDBKeyRange.bound([conversationId], [conversationId, []])
          : IDBKeyRange.bound([conversationId, messageId], [conversationId, messageId, []]);
      return (await open().getAll("receipts", range)).sort(compareReceipts);
    },
  };
}
