/**
 * The Store contract: ONE suite that every Store adapter runs (SQLite now,
 * PostgreSQL later). Test names quote the rule they check, so a failure points
 * at the rule, and a rule can be traced to its tests with grep.
 *
 * Rules (DS = DESIGN.md "Rules the delivery service keeps"; ST = the store):
 *  [DS1]  A commit is accepted only at the conversation's current epoch; a
 *         stale one is refused with the current epoch; exactly one wins per epoch.
 *  [DS2]  A write resolves only once durable: after close and reopen it is there.
 *  [DS3]  A retry with the same (conversation, sender device, client message
 *         id) is stored once and answered with the same entry; application
 *         messages and commits share this key space.
 *  [DS4]  Each conversation's log has seqs 1, 2, 3 ... with no gap or repeat,
 *         even under concurrent appends; readLog returns them in seq order.
 *  [ST1]  An address names one account, a device id one device; createAccount
 *         creates both or neither.
 *  [ST2]  listDevices: the account's non-revoked devices, oldest first.
 *  [ST3]  Key packages: one-time ones are handed out oldest first, once; then
 *         the last-resort one, which is kept; one per active device.
 *  [ST4]  Concurrent claims never hand out the same one-time package twice.
 *  [ST5]  Conversation ids are unique; at most one direct conversation per
 *         pair of accounts, in either order; a new one is at epoch 0 with only
 *         its creator's device (joinedSeq 0) and creator account.
 *  [ST6]  A commit applies its membership delta: added devices are members
 *         with joinedSeq = cursor = the commit's seq and get the Welcome in
 *         their inbox; removed devices and accounts stop being members.
 *  [ST7]  A cursor only moves forward, is capped at the log's head, and an
 *         update for a conversation the device is not a member of is ignored.
 *  [ST8]  A device's inbox is its own, read in increasing id order; an ack
 *         deletes its items up to an id; ids are never reused.
 *  [ST9]  Bytes round-trip exactly and come back as Uint8Array.
 *  [ST10] A write naming an unknown conversation or device rejects and changes
 *         nothing; concurrent writes are unaffected.
 *  [ST11]-[ST21] Linking, revocation and hub proposals: see the Store (ST)
 *         section of SPEC.md (device limit, device records, pending links,
 *         link approval, hub proposals, messages held back by them, revoked
 *         members, device messages, claims for named devices, the hub key,
 *         schema upgrades).
 *  [ST23]-[ST27] Verification codes, account moves, key package listings,
 *         pruning and quotas, the hub key at rest: see SPEC.md.
 *  [ST28] One Welcome per commit, stored once, gone with its last reference.
 *  [ST29] Paged listings of conversations and devices; counts behind the DS16 caps.
 *  [ST30]-[ST32] Append and commit are one algorithm over narrow primitives; the
 *         order of their steps (contract/order.ts; see SPEC.md).
 *  [PP5]  Blocklists: one row per (blocker, blocked), paged by address.
 *  [XP7]  Disappearing messages: an entry goes at the expiry its sender gave.
 */
import { afterEach, beforeEach, describe } from "vitest";
import type { Store } from "../../src/store/port.js";
import { blockContract } from "./contract/blocks.js";
import { commitContract } from "./contract/commit.js";
import { conversationContract } from "./contract/conversations.js";
import { cursorInboxContract } from "./contract/cursorsInbox.js";
import { deviceInboxContract } from "./contract/deviceInbox.js";
import { deviceContract } from "./contract/devices.js";
import { directoryContract } from "./contract/directory.js";
import { durabilityContract } from "./contract/durability.js";
import { entryExpiryContract } from "./contract/entryExpiry.js";
import type { StoreHarness } from "./contract/fixtures.js";
import { hubKeyContract } from "./contract/hubKey.js";
import { keyPackageContract } from "./contract/keyPackages.js";
import { linkingContract } from "./contract/linking.js";
import { logContract } from "./contract/log.js";
import { orderContract } from "./contract/order.js";
import { pageContract } from "./contract/pages.js";
import { proposalContract } from "./contract/proposals.js";
import { verificationContract } from "./contract/verification.js";
import { retentionContract } from "./contract/retention.js";
import { revocationContract } from "./contract/revocations.js";
import { welcomeContract } from "./contract/welcomes.js";

export type { StoreHarness } from "./contract/fixtures.js";

/**
 * `open` gives each test a fresh, empty store. Besides `store` and `cleanup`
 * it returns `reopen`: a new Store on the same durable data (for [DS2]).
 */
export function describeStoreContract(
  adapterName: string,
  open: () => Promise<{ store: Store; cleanup: () => Promise<void>; reopen: () => Promise<Store> }>,
): void {
  describe(`Store contract: ${adapterName}`, () => {
    let harness: StoreHarness | undefined;
    const current = (): StoreHarness => {
      if (harness === undefined) throw new Error("no store open");
      return harness;
    };

    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });

    directoryContract(current);
    deviceContract(current);
    linkingContract(current);
    keyPackageContract(current);
    conversationContract(current);
    logContract(current);
    commitContract(current);
    proposalContract(current);
    cursorInboxContract(current);
    deviceInboxContract(current);
    hubKeyContract(current);
    verificationContract(current);
    durabilityContract(current);
    retentionContract(current);
    entryExpiryContract(current);
    welcomeContract(current);
    pageContract(current);
    revocationContract(current);
    orderContract(current);
    blockContract(current);
  });
}
