/**
 * The LocalStore contract: one suite that every adapter runs (memory.test.ts,
 * sqlite.test.ts, and IndexedDB in Chromium: test/browser/page/indexedDb.ts),
 * so they cannot drift apart. Test names quote the rule ids documented in
 * src/store/port.ts.
 */
import { afterEach, beforeEach, describe } from "vitest";
import { describeAtomicity } from "./contract/atomicity.js";
import { describeBytes } from "./contract/bytes.js";
import type { ContractContext, OpenedLocalStore } from "./contract/context.js";
import { describeConversations } from "./contract/conversations.js";
import { describeIdentityAndKeyPackages } from "./contract/identity-keys.js";
import { describeLifecycle } from "./contract/lifecycle.js";
import { describeMessages } from "./contract/messages.js";
import { describeOutboxAndMeta } from "./contract/outbox-meta.js";
import { describeReactionsAndDeletes } from "./contract/reactions-deletes.js";
import { describeSearchAndExpiry } from "./contract/searchExpiry.js";
import { describeRecentMessages } from "./contract/recent.js";
import { describeGroupState } from "./contract/groupState.js";

export type { OpenedLocalStore } from "./contract/context.js";

/** Register the whole contract for one adapter; `open` gives each test a fresh, empty store. */
export function describeLocalStoreContract(name: string, open: () => Promise<OpenedLocalStore>): void {
  describe(`LocalStore contract: ${name}`, () => {
    let opened: OpenedLocalStore | undefined;
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      await opened?.cleanup();
      opened = undefined;
    });

    const current = (): OpenedLocalStore => {
      if (opened === undefined) throw new Error("no store is open outside a test");
      return opened;
    };
    const ctx: ContractContext = { store: () => current().store, reopen: () => current().reopen };

    describeIdentityAndKeyPackages(ctx);
    describeConversations(ctx);
    describeMessages(ctx);
    describeRecentMessages(ctx);
    describeOutboxAndMeta(ctx);
    describeReactionsAndDeletes(ctx);
    describeSearchAndExpiry(ctx);
    describeAtomicity(ctx);
    describeBytes(ctx);
    describeLifecycle(ctx);
    describeGroupState(ctx);
  });
}
