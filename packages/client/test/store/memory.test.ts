import { createMemoryStore } from "../../src/store/memory.js";
import { describeLocalStoreContract } from "./contract.js";

describeLocalStoreContract("memory", async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
});
