import type { CommitResult, InboxRecord, MembershipDelta, NewCommit } from "../port.js";
import type { LogTx } from "./logTx.js";
import type { Step } from "./step.js";

/** An inbox item as written: everything but the id the store assigns. */
export type InboxItem = Omit<InboxRecord, "id">;

/** What a commit writes besides the log entry. */
export interface CommitTx extends LogTx {
  /** Move the epoch on by one, the head to `seq`, and keep the GroupInfo for external joins. */
  advanceEpoch(conversationId: string, seq: number, groupInfo: Uint8Array): Step<void>;
  removeMembers(conversationId: string, deviceIds: readonly string[]): Step<void>;
  removeParticipants(conversationId: string, addresses: readonly string[]): Step<void>;
  /** As a set: an account already a participant stays one. */
  addParticipants(conversationId: string, addresses: readonly string[]): Step<void>;
  /** As a set: a device already a member keeps its place; the others join at `seq` with their cursor there. */
  addMembers(conversationId: string, deviceIds: readonly string[], seq: number): Step<void>;
  /** [ST28] Store the Welcome once and put one item referring to it in each item's device inbox. */
  putWelcome(welcome: Uint8Array, items: readonly InboxItem[]): Step<InboxRecord[]>;
}

/**
 * Applying an MLS commit (RFC 9420 §12.4) to the hub's view of a group
 * (SPEC ST30), the one algorithm both adapters run in one transaction. The
 * order is the contract (SPEC ST32):
 *  1. the head, locked: an unknown conversation rejects (ST10);
 *  2. idempotency before the epoch: a retry of a commit that won arrives
 *     with a now-stale epoch and still gets its entry back (DS3);
 *  3. the epoch check: exactly one commit wins per epoch (DS1);
 *  4. the entry at the next seq, the epoch moved on with the GroupInfo;
 *  5. the delta, removals before additions, so a device removed and re-added
 *     by one commit ends up a member from this seq (ST6);
 *  6. one Welcome, once per distinct added device (ST28).
 */
export function* applyCommit(tx: CommitTx, commit: NewCommit): Step<CommitResult> {
  const { conversationId: id, membership } = commit;
  const head = yield* tx.lockHead(id);
  if (head === undefined) throw new Error(`unknown conversation ${id}`);
  const earlier = yield* tx.findByClientId(id, commit.senderDeviceId, commit.clientMessageId);
  if (earlier !== undefined) return { kind: "duplicate", entry: earlier };
  if (head.epoch !== commit.epoch) return { kind: "epoch_conflict", currentEpoch: head.epoch };

  const seq = head.lastSeq + 1;
  const entry = yield* tx.insertEntry("commit", commit, membership, seq);
  yield* tx.advanceEpoch(id, seq, commit.groupInfo);
  yield* applyDelta(tx, id, membership, seq);
  const welcome = commit.welcome;
  const inbox = welcome === null ? [] : yield* tx.putWelcome(welcome, welcomeItems(commit, welcome, seq));
  return { kind: "committed", entry, inbox };
}

function* applyDelta(tx: CommitTx, id: string, delta: MembershipDelta, seq: number): Step<void> {
  if (delta.removedDevices.length > 0) yield* tx.removeMembers(id, delta.removedDevices);
  if (delta.removedAccounts.length > 0) yield* tx.removeParticipants(id, delta.removedAccounts);
  if (delta.addedAccounts.length > 0) yield* tx.addParticipants(id, delta.addedAccounts);
  // The added device holds no keys for earlier epochs, so it starts reading after the commit.
  if (delta.addedDevices.length > 0) yield* tx.addMembers(id, delta.addedDevices, seq);
}

/** A device listed twice still gets one Welcome. */
function welcomeItems(commit: NewCommit, welcome: Uint8Array, seq: number): InboxItem[] {
  return [...new Set(commit.membership.addedDevices)].map((deviceId) => ({
    deviceId,
    kind: "welcome" as const,
    conversationId: commit.conversationId,
    payload: welcome,
    senderAddress: commit.senderAddress,
    senderDeviceId: commit.senderDeviceId,
    serverTime: commit.serverTime,
    seq,
  }));
}
