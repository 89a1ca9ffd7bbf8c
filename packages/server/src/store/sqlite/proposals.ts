import type Database from "better-sqlite3";
import type { AppendProposalResult, NewProposal, PendingProposal } from "../port.js";
import type { LogQueries } from "./log.js";
import { bytes } from "./rows.js";

/**
 * The hub's own removal proposals, sent as the groups' MLS external sender
 * (RFC 9420 §12.1.8.1) for revoked devices. Each is a log entry, so members
 * receive it like any other, plus a row keyed by its ProposalRef so the hub
 * can tell which device a commit's by-reference proposal removes.
 */
export class ProposalQueries {
  private readonly bumpSeqAtEpoch;
  private readonly selectEpoch;
  private readonly insert;
  private readonly selectAtEpoch;

  constructor(
    db: Database.Database,
    private readonly log: LogQueries,
  ) {
    // The epoch check, the seq and the DS9 marker in one statement.
    this.bumpSeqAtEpoch = db.prepare<[string, number], { last_seq: number }>(
      `UPDATE conversations SET last_seq = last_seq + 1, proposal_epoch = epoch
       WHERE id = ? AND epoch = ? RETURNING last_seq`,
    );
    this.selectEpoch = db.prepare<[string], { epoch: number }>(
      "SELECT epoch FROM conversations WHERE id = ?",
    );
    this.insert = db.prepare<[string, number, number, Uint8Array, string]>(
      `INSERT INTO hub_proposals (conversation_id, seq, epoch, ref, removed_device_id)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.selectAtEpoch = db.prepare<
      [string, number],
      { seq: number; ref: Buffer; removed_device_id: string }
    >(
      `SELECT seq, ref, removed_device_id FROM hub_proposals
       WHERE conversation_id = ? AND epoch = ? ORDER BY seq`,
    );
  }

  append(proposal: NewProposal): AppendProposalResult {
    const id = proposal.conversationId;
    const row = this.bumpSeqAtEpoch.get(id, proposal.epoch);
    if (row === undefined) {
      const current = this.selectEpoch.get(id);
      if (current === undefined) throw new Error(`unknown conversation ${id}`);
      return { kind: "epoch_conflict", currentEpoch: current.epoch };
    }
    const seq = row.last_seq;
    const entry = this.log.insertEntry(
      "proposal",
      {
        conversationId: id,
        // No device sent it; "" is no device's id, so the id below cannot
        // collide with a client's in the shared idempotency key space.
        senderDeviceId: "",
        senderAddress: "",
        clientMessageId: `hub-proposal-${seq}`,
        payload: proposal.payload,
        epoch: proposal.epoch,
        serverTime: proposal.serverTime,
      },
      null,
      seq,
    );
    this.insert.run(id, seq, proposal.epoch, proposal.ref, proposal.removedDeviceId);
    return { kind: "appended", entry };
  }

  pending(conversationId: string, epoch: number): PendingProposal[] {
    return this.selectAtEpoch.all(conversationId, epoch).map((row) => ({
      seq: row.seq,
      ref: bytes(row.ref),
      removedDeviceId: row.removed_device_id,
    }));
  }
}
