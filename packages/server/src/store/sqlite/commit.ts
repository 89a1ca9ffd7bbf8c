import type Database from "better-sqlite3";
import type { CommitResult, InboxRecord, MembershipDelta, NewCommit } from "../port.js";
import type { InboxQueries } from "./inbox.js";
import type { LogQueries } from "./log.js";

/**
 * Applying an MLS commit (RFC 9420 §12.4) to the server's view of a group.
 * Runs inside one write transaction, so the epoch check and the epoch bump
 * cannot interleave with another commit: exactly one commit wins per epoch
 * (DESIGN rule 1).
 */
export class CommitQueries {
  private readonly selectEpoch;
  private readonly advanceEpoch;
  private readonly deleteMember;
  private readonly insertMember;
  private readonly deleteParticipant;
  private readonly insertParticipant;

  constructor(
    db: Database.Database,
    private readonly log: LogQueries,
    private readonly inbox: InboxQueries,
  ) {
    this.selectEpoch = db.prepare<[string], { epoch: number }>(
      "SELECT epoch FROM conversations WHERE id = ?",
    );
    this.advanceEpoch = db.prepare<[Uint8Array, string]>(
      "UPDATE conversations SET epoch = epoch + 1, group_info = ? WHERE id = ?",
    );
    this.deleteMember = db.prepare<[string, string]>(
      "DELETE FROM members WHERE conversation_id = ? AND device_id = ?",
    );
    // A device that is somehow already a member keeps its place: the delta is applied as a set.
    this.insertMember = db.prepare<[string, string, number, number]>(
      `INSERT INTO members (conversation_id, device_id, joined_seq, cursor) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_id, device_id) DO NOTHING`,
    );
    this.deleteParticipant = db.prepare<[string, string]>(
      "DELETE FROM participants WHERE conversation_id = ? AND address = ?",
    );
    this.insertParticipant = db.prepare<[string, string]>(
      "INSERT OR IGNORE INTO participants (conversation_id, address) VALUES (?, ?)",
    );
  }

  apply(commit: NewCommit): CommitResult {
    const { conversationId: id, membership } = commit;
    // Idempotency first: a retry of a commit that won arrives with a now-stale epoch.
    const earlier = this.log.findByClientId(id, commit.senderDeviceId, commit.clientMessageId);
    if (earlier !== undefined) return { kind: "duplicate", entry: earlier };

    const current = this.selectEpoch.get(id);
    if (current === undefined) throw new Error(`unknown conversation ${id}`);
    if (current.epoch !== commit.epoch) return { kind: "epoch_conflict", currentEpoch: current.epoch };

    const seq = this.log.nextSeq(id);
    const entry = this.log.insertEntry("commit", commit, membership, seq);
    this.advanceEpoch.run(commit.groupInfo, id);
    this.applyDelta(id, membership, seq);
    const inbox = commit.welcome === null ? [] : this.deliverWelcome(commit, commit.welcome, seq);
    return { kind: "committed", entry, inbox };
  }

  /** Removals first, so a device removed and re-added by one commit ends up a member from this seq. */
  private applyDelta(id: string, delta: MembershipDelta, seq: number): void {
    for (const device of delta.removedDevices) this.deleteMember.run(id, device);
    for (const address of delta.removedAccounts) this.deleteParticipant.run(id, address);
    for (const address of delta.addedAccounts) this.insertParticipant.run(id, address);
    // The added device holds no keys for earlier epochs, so it starts reading after the commit.
    for (const device of delta.addedDevices) this.insertMember.run(id, device, seq, seq);
  }

  private deliverWelcome(commit: NewCommit, welcome: Uint8Array, seq: number): InboxRecord[] {
    // A device listed twice still gets one welcome; [ST28] stored once for all of them.
    return this.inbox.putWelcome(
      welcome,
      [...new Set(commit.membership.addedDevices)].map((deviceId) => ({
        deviceId,
        kind: "welcome" as const,
        conversationId: commit.conversationId,
        payload: welcome,
        senderAddress: commit.senderAddress,
        senderDeviceId: commit.senderDeviceId,
        serverTime: commit.serverTime,
        seq,
      })),
    );
  }
}
