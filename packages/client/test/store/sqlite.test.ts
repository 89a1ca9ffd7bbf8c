import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteLocalStore } from "../../src/node.js";
import type { LocalStore } from "../../src/store/port.js";
import { describeLocalStoreContract } from "./contract.js";

describeLocalStoreContract("sqlite file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-localstore-"));
  // A directory that does not exist yet: the adapter creates it.
  const path = join(dir, "device", "store.db");
  let opened: LocalStore[];
  try {
    opened = [openSqliteLocalStore(path)];
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = openSqliteLocalStore(path);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describeLocalStoreContract("sqlite :memory:", async () => {
  const store = openSqliteLocalStore(":memory:");
  return { store, cleanup: () => store.close() };
});
