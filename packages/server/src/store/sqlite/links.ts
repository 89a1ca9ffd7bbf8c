import type Database from "better-sqlite3";
import type { LinkApproval, LinkApprovalResult, PendingLinkRecord } from "../port.js";
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
  private readonly select;
  private readonly upsert;
  private readonly deleteByCode;
  private readonly deleteExpiredBy;

  constructor(
    db: Database.Database,
    private readonly directory: DirectoryQueries,
    private readonly inbox: InboxQueries,
  ) {
    this.select = db.prepare<[string], PendingLinkRow>("SELECT * FROM pending_links WHERE code = ?");
    // Only reached when no live link holds the code, so replacing is safe.
    this.upsert = db.prepare<[string, string, Uint8Array, Uint8Array, string, number, number]>(
      `INSERT OR REPLACE INTO pending_links
         (code, device_id, signature_key, hpke_public_key, device_name, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteByCode = db.prepare<[string]>("DELETE FROM pending_links WHERE code = ?");
    this.deleteExpiredBy = db.prepare<[number]>("DELETE FROM pending_links WHERE expires_at <= ?");
  }

  /** The link's createdAt is "now": a link with the code that is still live then wins. */
  create(link: PendingLinkRecord): "created" | "code_taken" {
    const existing = this.select.get(link.code);
    if (existing !== undefined && existing.expires_at > link.createdAt) return "code_taken";
    this.upsert.run(
      link.code,
      link.deviceId,
      link.signatureKey,
      link.hpkePublicKey,
      link.deviceName,
      link.createdAt,
      link.expiresAt,
    );
    return "created";
  }

  get(code: string): PendingLinkRecord | undefined {
    const row = this.select.get(code);
    return row && toPendingLink(row);
  }

  /**
   * Runs inside one write transaction: the device, the link's deletion and
   * the envelope in the new device's inbox are stored together or not at all.
   */
  approve(approval: LinkApproval): LinkApprovalResult {
    if (this.select.get(approval.code) === undefined) return { kind: "not_found" };
    const added = this.directory.addDevice(approval.address, approval.device, approval.maxDevices);
    // The approver is an authenticated device, so its account exists.
    if (added === "unknown_account") throw new Error(`unknown account ${approval.address}`);
    if (added !== "added") return { kind: added };
    this.deleteByCode.run(approval.code);
    const inbox = this.inbox.put({
      deviceId: approval.device.id,
      kind: "link",
      conversationId: "",
      payload: approval.envelope,
      senderAddress: approval.address,
      senderDeviceId: approval.senderDeviceId,
      serverTime: approval.serverTime,
      seq: 0,
    });
    return { kind: "approved", inbox };
  }

  deleteExpired(now: number): void {
    this.deleteExpiredBy.run(now);
  }
}
