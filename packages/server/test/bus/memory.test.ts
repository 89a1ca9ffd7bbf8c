/** The in-process bus against the Bus contract. */
import { createMemoryBus } from "../../src/bus/memoryBus.js";
import { describeBusContract } from "./contract.js";

describeBusContract("in-process", async () => {
  const bus = createMemoryBus();
  // No openPeer: the in-process bus has no broker a second node could share.
  return { bus, settle: async () => {}, cleanup: () => bus.close() };
});
