import type { CommitResult, MembershipDelta, NewCommit } from "../port.js";
import type { Database, Transaction } from "./database.js";
import type { InboxQueries } from "./inbox.js";
import type { LogQueries } from "./log.js";

/**
 * Applying an MLS commit (RFC 9420 §12.4) to the server's view of a group,
 * in one transaction that starts by locking the conversation row. Every node
 * takes that lock before writing the conversation's log, so the epoch check
 * and the epoch bump cannot interleave with another commit anywhere in the
 * cluster: exactly one commit wins per epoch (SPEC DS1).
 */
export class CommitQueries {
  constructor(
    private readonly db: Database,
    private readonly log: LogQueries,
    private readonly inbox: InboxQueries,
  ) {}

  apply(commit: NewCommit): Promise<CommitResult> {
    return this.db.transaction((tx) => this.applyIn(tx, commit));
  }

  private async applyIn(tx: Transaction, commit: NewCommit): Promise<CommitResult> {
    const { conversationId: id, membership } = commit;
    const [current] = await tx.rows<{ epoch: number; last_seq: number }>(
      "SELECT epoch, last_seq FROM conversations WHERE id = $1 FOR UPDATE",
      [id],
    );
    if (current === undefined) throw new Error(`unknown conversation ${id}`);
    // Idempotency first (a retry of a commit that won arrives with a now-stale
    // epoch), in a statement after the lock, so it sees every entry committed before.
    const earlier = await this.log.findByClientId(tx, id, commit.senderDeviceId, commit.clientMessageId);
    if (earlier !== undefined) return { kind: "duplicate", entry: earlier };
    if (current.epoch !== commit.epoch) return { kind: "epoch_conflict", currentEpoch: current.epoch };

    const seq = current.last_seq + 1;
    await tx.rows(
      "UPDATE conversations SET epoch = epoch + 1, last_seq = $2, group_info = $3 WHERE id = $1",
      [id, seq, commit.groupInfo],
    );
    const entry = await this.log.insertEntry(tx, "commit", commit, membership, seq);
    await applyDelta(tx, id, membership, seq);
    const welcome = commit.welcome;
    const inbox =
      welcome === null
        ? []
        : await this.inbox.putWelcome(
            tx,
            welcome,
            // A device listed twice still gets one welcome; [ST28] stored once for all of them.
            [...new Set(membership.addedDevices)].map((deviceId) => ({
              deviceId,
              kind: "welcome" as const,
              conversationId: id,
              payload: welcome,
              senderAddress: commit.senderAddress,
              senderDeviceId: commit.senderDeviceId,
              serverTime: commit.serverTime,
              seq,
            })),
          );
    return { kind: "committed", entry, inbox };
  }
}

/**
 * Removals first (separate statements, so the inserts see them), so a device
 * removed and re-added by one commit ends up a member from this seq. The
 * delta is applied as a set: a device that is somehow already a member keeps
 * its place. Foreign keys reject an unknown device or account, and with it
 * the whole commit (SPEC ST10).
 */
async function applyDelta(tx: Transaction, id: string, delta: MembershipDelta, seq: number): Promise<void> {
  if (delta.removedDevices.length > 0)
    await tx.rows("DELETE FROM members WHERE conversation_id = $1 AND device_id = ANY($2::text[])", [
      id,
      delta.removedDevices,
    ]);
  if (delta.removedAccounts.length > 0)
    await tx.rows("DELETE FROM participants WHERE conversation_id = $1 AND address = ANY($2::text[])", [
      id,
      delta.removedAccounts,
    ]);
  if (delta.addedAccounts.length > 0)
    await tx.rows(
      `INSERT INTO participants (conversation_id, address) SELECT $1, a FROM unnest($2::text[]) AS a
       ON CONFLICT DO NOTHING`,
      [id, delta.addedAccounts],
    );
  // The added device holds no keys for earlier epochs, so it starts reading after the commit.
  if (delta.addedDevices.length > 0)
    await tx.rows(
      `INSERT INTO members (conversation_id, device_id, joined_seq, cursor)
       SELECT $1, d, $3::bigint, $3::bigint FROM unnest($2::text[]) AS d ORDER BY d
       ON CONFLICT DO NOTHING`,
      [id, delta.addedDevices, seq],
    );
}
