/** The receipts contract (receiptsContract.ts) on the adapters Node has: memory, SQLite in memory, an SQLite file reopened. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteLocalStore } from "../../src/node.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { describeReceiptContract } from "./receiptsContract.js";

describeReceiptContract("memory", async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
});

describeReceiptContract("sqlite :memory:", async () => {
  const store = openSqliteLocalStore(":memory:");
  return { store, cleanup: () => store.close() };
});

describeReceiptContract("sqlite file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-receipts-"));
  const path = join(dir, "store.db");
  const store = openSqliteLocalStore(path);
  return {
    store,
    reopen: async () => openSqliteLocalStore(path),
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
