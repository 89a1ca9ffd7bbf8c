/**
 * The receipts port's contract (src/store/receiptsPort.ts, RC1-RC3): one
 * suite every adapter runs: memory and SQLite in Node (receipts.test.ts),
 * IndexedDB in Chromium (test/browser/page/indexedDb.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalStore } from "../../src/store/port.js";
import { receiptStoreOf, type LocalReceipt, type ReceiptStore } from "../../src/store/receiptsPort.js";

export type OpenedReceiptStore = {
  store: LocalStore & ReceiptStore;
  reopen?: () => Promise<LocalStore & ReceiptStore>;
  cleanup(): Promise<void>;
};

const C = "c".repeat(32);
const M1 = "1".repeat(64);
const M2 = "2".repeat(64);
const receipt = (messageId: string, address: string, status: "delivered" | "read", at = 1): LocalReceipt => ({
  conversationId: C,
  messageId,
  address,
  status,
  at,
});

export function describeReceiptContract(name: string, open: () => Promise<OpenedReceiptStore>): void {
  describe(`ReceiptStore contract: ${name}`, () => {
    let opened: OpenedReceiptStore;
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(() => opened.cleanup());

    it("is found on the adapter", () => {
      expect(receiptStoreOf(opened.store)).toBeDefined();
    });

    it("[RC1] only raises a status, and answers the rows it changed", async () => {
      const s = opened.store;
      expect(await s.putReceipts([receipt(M1, "bob@x", "delivered", 1)])).toEqual([
        receipt(M1, "bob@x", "delivered", 1),
      ]);
      expect(await s.putReceipts([receipt(M1, "bob@x", "delivered", 2)])).toEqual([]);
      expect(await s.putReceipts([receipt(M1, "bob@x", "read", 3)])).toEqual([
        receipt(M1, "bob@x", "read", 3),
      ]);
      expect(await s.putReceipts([receipt(M1, "bob@x", "delivered", 4)])).toEqual([]);
      expect(await s.listReceipts(C, M1)).toEqual([receipt(M1, "bob@x", "read", 3)]);
    });

    it("[RC1] merges one batch in order (a row named twice ends at its highest)", async () => {
      const s = opened.store;
      const changed = await s.putReceipts([
        receipt(M1, "bob@x", "read", 5),
        receipt(M1, "bob@x", "delivered", 6),
        receipt(M2, "carol@y", "delivered", 7),
      ]);
      expect(changed).toEqual([receipt(M1, "bob@x", "read", 5), receipt(M2, "carol@y", "delivered", 7)]);
    });

    it("[RC2] lists a conversation's rows by message, then address; or one message's", async () => {
      const s = opened.store;
      await s.putReceipts([
        receipt(M2, "bob@x", "read"),
        receipt(M1, "carol@y", "delivered"),
        receipt(M1, "bob@x", "delivered"),
        { ...receipt(M1, "bob@x", "read"), conversationId: "d".repeat(32) },
      ]);
      expect((await s.listReceipts(C)).map((r) => [r.messageId[0], r.address])).toEqual([
        ["1", "bob@x"],
        ["1", "carol@y"],
        ["2", "bob@x"],
      ]);
      expect((await s.listReceipts(C, M2)).map((r) => r.status)).toEqual(["read"]);
      expect(await s.listReceipts("e".repeat(32))).toEqual([]);
    });

    it("[RC3] keeps rows across reopening, and refuses once closed", async () => {
      await opened.store.putReceipts([receipt(M1, "bob@x", "read")]);
      if (opened.reopen) {
        const again = await opened.reopen();
        expect(await again.listReceipts(C)).toEqual([receipt(M1, "bob@x", "read")]);
        await again.close();
      }
      await opened.store.close();
      await expect(opened.store.listReceipts(C)).rejects.toMatchObject({ code: "CLOSED" });
    });
  });
}
