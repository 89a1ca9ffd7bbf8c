import type { AppendProposalResult, NewProposal, PendingProposal } from "../port.js";
import type { Database } from "./database.js";
import { bytes, toLogEntry, type LogRow } from "./rows.js";

/**
 * The epoch check, the seq, the DS9 marker, the log entry and the proposal
 * row in one statement. The UPDATE locks the conversation and re-checks its
 * WHERE on the newest version, so a commit that moved the epoch on first
 * makes it match nothing. No device sent the entry: its sender is "", which
 * is no device's id, so `hub-proposal-<seq>` cannot collide with a client's
 * id in the shared idempotency key space.
 */
const APPEND_PROPOSAL = `
  WITH bumped AS (
    UPDATE conversations SET last_seq = last_seq + 1, proposal_epoch = epoch
    WHERE id = $1 AND epoch = $2 RETURNING last_seq AS seq
  ),
  entry AS (
    INSERT INTO log (conversation_id, seq, kind, sender_device_id, sender_address, client_message_id,
                     payload, epoch, server_time, membership)
    SELECT $1, seq, 'proposal', '', '', 'hub-proposal-' || seq, $3::bytea, $2, $4::bigint, NULL FROM bumped
    RETURNING *
  ),
  proposal AS (
    INSERT INTO hub_proposals (conversation_id, seq, epoch, ref, removed_device_id)
    SELECT $1, seq, $2, $5::bytea, $6::text FROM bumped
  )
  SELECT * FROM entry`;

/**
 * The hub's own removal proposals, sent as the groups' MLS external sender
 * (RFC 9420 §12.1.8.1) for revoked devices. Each is a log entry, so members
 * receive it like any other, plus a row keyed by its ProposalRef so the hub
 * can tell which device a commit's by-reference proposal removes.
 */
export class ProposalQueries {
  constructor(private readonly db: Database) {}

  async append(proposal: NewProposal): Promise<AppendProposalResult> {
    const id = proposal.conversationId;
    const [row] = await this.db.rows<LogRow>(APPEND_PROPOSAL, [
      id,
      proposal.epoch,
      proposal.payload,
      proposal.serverTime,
      proposal.ref,
      proposal.removedDeviceId,
    ]);
    if (row !== undefined) return { kind: "appended", entry: toLogEntry(row) };
    const [current] = await this.db.read<{ epoch: number }>("SELECT epoch FROM conversations WHERE id = $1", [
      id,
    ]);
    if (current === undefined) throw new Error(`unknown conversation ${id}`);
    return { kind: "epoch_conflict", currentEpoch: current.epoch };
  }

  async pending(conversationId: string, epoch: number): Promise<PendingProposal[]> {
    const rows = await this.db.read<{ seq: number; ref: Buffer; removed_device_id: string }>(
      `SELECT seq, ref, removed_device_id FROM hub_proposals
       WHERE conversation_id = $1 AND epoch = $2 ORDER BY seq`,
      [conversationId, epoch],
    );
    return rows.map((row) => ({ seq: row.seq, ref: bytes(row.ref), removedDeviceId: row.removed_device_id }));
  }
}
