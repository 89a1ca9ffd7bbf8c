import type { LinkApproval, LinkApprovalResult, PendingLinkRecord } from "../port.js";
import type { Database } from "./database.js";
import type { DirectoryQueries } from "./directory.js";
import type { InboxQueries } from "./inbox.js";
import { toPendingLink, type PendingLinkRow } from "./rows.js";

/**
 * Pending device links: a new device waits under a one-time code until a
 * device of some account approves it. A link is live while now < expiresAt;
 * the caller decides what an expired one means, the store only keeps codes
 * of live links unique.
 */
export class LinkQueries {
  constructor(
    private readonly db: Database,
    private readonly directory: DirectoryQueries,
    private readonly inbox: InboxQueries,
  ) {}

  /**
   * The link's createdAt is "now": a link with the code that is still live
   * then wins. One statement: the upsert replaces only an expired row, and
   * of concurrent inserts of one code the others wait and then see it live.
   */
  async create(link: PendingLinkRecord): Promise<"created" | "code_taken"> {
    const rows = await this.db.rows(
      `INSERT INTO pending_links AS p
         (code, device_id, signature_key, hpke_public_key, device_name, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (code) DO UPDATE SET
         device_id = EXCLUDED.device_id, signature_key = EXCLUDED.signature_key,
         hpke_public_key = EXCLUDED.hpke_public_key, device_name = EXCLUDED.device_name,
         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
       WHERE p.expires_at <= EXCLUDED.created_at
       RETURNING code`,
      [
        link.code,
        link.deviceId,
        link.signatureKey,
        link.hpkePublicKey,
        link.deviceName,
        link.createdAt,
        link.expiresAt,
      ],
    );
    return rows.length > 0 ? "created" : "code_taken";
  }

  async get(code: string): Promise<PendingLinkRecord | undefined> {
    const [row] = await this.db.read<PendingLinkRow>("SELECT * FROM pending_links WHERE code = $1", [code]);
    return row && toPendingLink(row);
  }

  /**
   * One transaction: the device, the link's deletion and the envelope in the
   * new device's inbox are stored together or not at all. The link row is
   * locked first, so of concurrent approvals one proceeds and the others,
   * once it commits, find the link gone.
   */
  approve(approval: LinkApproval): Promise<LinkApprovalResult> {
    return this.db.transaction(async (tx): Promise<LinkApprovalResult> => {
      const link = await tx.rows("SELECT code FROM pending_links WHERE code = $1 FOR UPDATE", [
        approval.code,
      ]);
      if (link.length === 0) return { kind: "not_found" };
      const added = await this.directory.addDeviceIn(
        tx,
        approval.address,
        approval.device,
        approval.maxDevices,
      );
      // The approver is an authenticated device, so its account exists.
      if (added === "unknown_account") throw new Error(`unknown account ${approval.address}`);
      if (added !== "added") return { kind: added };
      await tx.rows("DELETE FROM pending_links WHERE code = $1", [approval.code]);
      const [inbox] = await this.inbox.put(tx, [
        {
          deviceId: approval.device.id,
          kind: "link",
          conversationId: "",
          payload: approval.envelope,
          senderAddress: approval.address,
          senderDeviceId: approval.senderDeviceId,
          serverTime: approval.serverTime,
          seq: 0,
        },
      ]);
      if (inbox === undefined) throw new Error("link envelope was not stored");
      return { kind: "approved", inbox };
    });
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.rows("DELETE FROM pending_links WHERE expires_at <= $1", [now]);
  }
}
