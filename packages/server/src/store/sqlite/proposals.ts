import type Database from "better-sqlite3";
import type { PendingProposal } from "../port.js";
import { bytes } from "./rows.js";

/**
 * The hub's own removal proposals, sent as the groups' MLS external sender
 * (RFC 9420 §12.1.8.1) for revoked devices. Each is a log entry, so members
 * receive it like any other, plus a row keyed by its ProposalRef so the hub
 * can tell which device a commit's by-reference proposal removes. Appending
 * one is the shared algorithm (algorithms/proposal.ts) over logTx.ts.
 */
export class ProposalQueries {
  private readonly selectAtEpoch;

  constructor(db: Database.Database) {
    this.selectAtEpoch = db.prepare<
      [string, number],
      { seq: number; ref: Buffer; removed_device_id: string }
    >(
      `SELECT seq, ref, removed_device_id FROM hub_proposals
       WHERE conversation_id = ? AND epoch = ? ORDER BY seq`,
    );
  }

  pending(conversationId: string, epoch: number): PendingProposal[] {
    return this.selectAtEpoch.all(conversationId, epoch).map((row) => ({
      seq: row.seq,
      ref: bytes(row.ref),
      removedDeviceId: row.removed_device_id,
    }));
  }
}
