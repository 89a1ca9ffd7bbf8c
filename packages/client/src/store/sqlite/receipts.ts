/** The SQLite receipts adapter (SPEC RC1-RC3): the `receipts` table of migration "receipts". */
import type Database from "better-sqlite3";
import { raisedReceipts, type LocalReceipt, type ReceiptStatus, type ReceiptStore } from "../receiptsPort.js";

interface ReceiptRow {
  conversation_id: string;
  message_id: string;
  address: string;
  status: number;
  at: number;
}

const STATUS_OF: Record<number, ReceiptStatus> = { 1: "delivered", 2: "read" };
const CODE_OF: Record<ReceiptStatus, number> = { delivered: 1, read: 2 };

function toReceipt(row: ReceiptRow): LocalReceipt {
  return {
    conversationId: row.conversation_id,
    messageId: row.message_id,
    address: row.address,
    status: STATUS_OF[row.status] ?? "delivered",
    at: row.at,
  };
}

export function createSqliteReceipts(db: Database.Database, live: () => void): ReceiptStore {
  const get = db.prepare<[string, string, string], { status: number }>(
    "SELECT status FROM receipts WHERE conversation_id = ? AND message_id = ? AND address = ?",
  );
  const put = db.prepare(
    `INSERT INTO receipts (conversation_id, message_id, address, status, at)
     VALUES (@conversation_id, @message_id, @address, @status, @at)
     ON CONFLICT (conversation_id, message_id, address)
     DO UPDATE SET status = excluded.status, at = excluded.at WHERE excluded.status > receipts.status`,
  );
  const listAll = db.prepare<[string], ReceiptRow>(
    "SELECT * FROM receipts WHERE conversation_id = ? ORDER BY message_id, address",
  );
  const listOne = db.prepare<[string, string], ReceiptRow>(
    "SELECT * FROM receipts WHERE conversation_id = ? AND message_id = ? ORDER BY address",
  );
  const putAll = db.transaction((receipts: readonly LocalReceipt[]) => {
    const changed = raisedReceipts(receipts, (r) => {
      const status = get.get(r.conversationId, r.messageId, r.address)?.status;
      return status === undefined ? undefined : STATUS_OF[status];
    });
    for (const r of changed)
      put.run({
        conversation_id: r.conversationId,
        message_id: r.messageId,
        address: r.address,
        status: CODE_OF[r.status],
        at: r.at,
      });
    return changed;
  });
  return {
    async putReceipts(receipts) {
      live();
      return putAll.immediate(receipts);
    },
    async listReceipts(conversationId, messageId) {
      live();
      const rows =
        messageId === undefined ? listAll.all(conversationId) : listOne.all(conversationId, messageId);
      return rows.map(toReceipt);
    },
  };
}
