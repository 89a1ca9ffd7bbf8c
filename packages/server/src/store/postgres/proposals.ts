import type { PendingProposal } from "../port.js";
import type { Database } from "./database.js";
import { bytes } from "./rows.js";

/**
 * The hub's own removal proposals, sent as the groups' MLS external sender
 * (RFC 9420 §12.1.8.1) for revoked devices. Each is a log entry, so members
 * receive it like any other, plus a row keyed by its ProposalRef so the hub
 * can tell which device a commit's by-reference proposal removes. Appending
 * one is the shared algorithm (algorithms/proposal.ts), run by CommitQueries.
 */
export class ProposalQueries {
  constructor(private readonly db: Database) {}

  async pending(conversationId: string, epoch: number): Promise<PendingProposal[]> {
    const rows = await this.db.read<{ seq: number; ref: Buffer; removed_device_id: string }>(
      `SELECT seq, ref, removed_device_id FROM hub_proposals
       WHERE conversation_id = $1 AND epoch = $2 ORDER BY seq`,
      [conversationId, epoch],
    );
    return rows.map((row) => ({ seq: row.seq, ref: bytes(row.ref), removedDeviceId: row.removed_device_id }));
  }
}
