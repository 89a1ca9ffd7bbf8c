import type {
  AccountRecord,
  CreateAccountResult,
  DeviceRecord,
  MoveAccountResult,
  NewAccount,
  NewDevice,
  RevocationProof,
} from "../port.js";
import type { Database, Sql, Transaction } from "./database.js";
import { toAccount, toDevice, type AccountRow, type DeviceRow } from "./rows.js";

export type AddDeviceResult = "added" | "unknown_account" | "device_taken" | "device_limit";

const INSERT_DEVICE = `
  INSERT INTO devices (id, address, signature_key, created_at, last_seen_at, name, approved_by, approval, approved_at)
  VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8)
  ON CONFLICT (id) DO NOTHING RETURNING id`;

/** Oldest first; ties broken by id (byte order) so every node returns the same order. */
const SELECT_DEVICES = "SELECT * FROM devices WHERE address = $1 ORDER BY created_at, id";
const SELECT_ACTIVE_DEVICES =
  "SELECT * FROM devices WHERE address = $1 AND revoked_at IS NULL ORDER BY created_at, id";

/** Accounts and devices. */
export class DirectoryQueries {
  constructor(private readonly db: Database) {}

  /** The first device has no approver, whatever the caller passed. */
  createAccount(account: NewAccount, device: NewDevice): Promise<CreateAccountResult> {
    return this.db.transaction(async (tx) => {
      // ON CONFLICT waits for a concurrent insert of the address to commit or
      // roll back, so of racing creations exactly one sees its row inserted.
      const inserted = await tx.rows(
        `INSERT INTO accounts (address, app, display_name, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (address) DO NOTHING RETURNING address`,
        [account.address, account.app, account.displayName, account.createdAt],
      );
      if (inserted.length === 0) return "address_taken";
      const added = await tx.rows(INSERT_DEVICE, [
        device.id,
        account.address,
        device.signatureKey,
        device.createdAt,
        device.name ?? "",
        null,
        null,
        null,
      ]);
      if (added.length > 0) return "created";
      tx.rollbackOnly();
      return "device_taken";
    });
  }

  addDevice(address: string, device: NewDevice, maxDevices: number): Promise<AddDeviceResult> {
    return this.db.transaction((tx) => this.addDeviceIn(tx, address, device, maxDevices));
  }

  /**
   * Link another device to an existing account, inside the caller's
   * transaction. The account row stays locked until it commits, so two nodes
   * adding devices at once count one after the other (SPEC ST11).
   */
  async addDeviceIn(
    tx: Transaction,
    address: string,
    device: NewDevice,
    maxDevices: number,
  ): Promise<AddDeviceResult> {
    const account = await tx.rows("SELECT address FROM accounts WHERE address = $1 FOR NO KEY UPDATE", [
      address,
    ]);
    if (account.length === 0) return "unknown_account";
    // A new statement after the lock: it sees every device committed before it.
    const [state] = await tx.rows<{ taken: boolean; active: number }>(
      `SELECT EXISTS (SELECT 1 FROM devices WHERE id = $1) AS taken,
              (SELECT count(*) FROM devices WHERE address = $2 AND revoked_at IS NULL) AS active`,
      [device.id, address],
    );
    if (state === undefined) throw new Error("device count returned no row");
    if (state.taken) return "device_taken";
    if (state.active >= maxDevices) return "device_limit";
    const added = await tx.rows(INSERT_DEVICE, [
      device.id,
      address,
      device.signatureKey,
      device.createdAt,
      device.name ?? "",
      device.approvedBy ?? null,
      device.approval ?? null,
      device.approvedAt ?? null,
    ]);
    // Another account took the id since the check (its lock is not ours).
    return added.length > 0 ? "added" : "device_taken";
  }

  /**
   * Revoke a device: it can no longer authenticate or be claimed for, so its
   * key packages and pending inbox items go too (`dropInbox`: the items may
   * hold the last reference to a Welcome, SPEC ST28). Its group memberships
   * stay until a commit removes them. The update locks the device row first,
   * so the deletes (new statements) see every item written before it.
   */
  revokeDevice(
    deviceId: string,
    at: number,
    proof: RevocationProof | undefined,
    dropInbox: (tx: Sql, deviceId: string) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const revoked = await tx.rows(
        `UPDATE devices SET revoked_at = $2, revoked_by = $3, revocation = $4, revocation_signed_at = $5
         WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
        [deviceId, at, proof?.revokerDeviceId ?? null, proof?.signature ?? null, proof?.revokedAt ?? null],
      );
      if (revoked.length === 0) return false;
      await tx.rows("DELETE FROM key_packages WHERE device_id = $1", [deviceId]);
      await dropInbox(tx, deviceId);
      return true;
    });
  }

  /**
   * The account row is locked first (as addDeviceIn does), so a link approved
   * meanwhile lands before the move (and is revoked by it) or after it.
   */
  moveAccount(
    address: string,
    device: NewDevice,
    at: number,
    dropInbox: (tx: Sql, deviceId: string) => Promise<void>,
  ): Promise<MoveAccountResult> {
    return this.db.transaction(async (tx): Promise<MoveAccountResult> => {
      const account = await tx.rows("SELECT address FROM accounts WHERE address = $1 FOR NO KEY UPDATE", [
        address,
      ]);
      if (account.length === 0) return { kind: "unknown_account" };
      const revoked = await tx.rows<{ id: string }>(
        `UPDATE devices SET revoked_at = $2 WHERE address = $1 AND revoked_at IS NULL RETURNING id`,
        [address, at],
      );
      const ids = revoked.map((r) => r.id).sort();
      if (ids.length > 0) {
        await tx.rows("DELETE FROM key_packages WHERE device_id = ANY($1::text[])", [ids]);
        // [ST28] through the inbox's own delete, so the Welcomes they named are released.
        for (const id of ids) await dropInbox(tx, id);
      }
      const added = await tx.rows(INSERT_DEVICE, [
        device.id,
        address,
        device.signatureKey,
        device.createdAt,
        device.name ?? "",
        null,
        null,
        null,
      ]);
      if (added.length > 0) return { kind: "moved", revoked: ids };
      tx.rollbackOnly();
      return { kind: "device_taken" };
    });
  }

  async recordRevocationProof(deviceId: string, proof: RevocationProof): Promise<boolean> {
    const rows = await this.db.transaction((tx) =>
      tx.rows(
        `UPDATE devices SET revoked_by = $2, revocation = $3, revocation_signed_at = $4
         WHERE id = $1 AND revoked_at IS NOT NULL AND revocation IS NULL RETURNING id`,
        [deviceId, proof.revokerDeviceId, proof.signature, proof.revokedAt],
      ),
    );
    return rows.length > 0;
  }

  async getRevocation(deviceId: string): Promise<RevocationProof | undefined> {
    const [row] = await this.db.read<{
      revoked_by: string | null;
      revocation: Buffer | null;
      revocation_signed_at: number | null;
    }>("SELECT revoked_by, revocation, revocation_signed_at FROM devices WHERE id = $1", [deviceId]);
    if (!row || row.revoked_by === null || row.revocation === null || row.revocation_signed_at === null)
      return undefined;
    return {
      revokerDeviceId: row.revoked_by,
      revokedAt: Number(row.revocation_signed_at),
      signature: new Uint8Array(row.revocation),
    };
  }

  async getAccount(address: string): Promise<AccountRecord | undefined> {
    const [row] = await this.db.read<AccountRow>("SELECT * FROM accounts WHERE address = $1", [address]);
    return row && toAccount(row);
  }

  async getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    const [row] = await this.db.read<DeviceRow>("SELECT * FROM devices WHERE id = $1", [deviceId]);
    return row && toDevice(row);
  }

  async listDevices(address: string, includeRevoked = false): Promise<DeviceRecord[]> {
    const rows = await this.db.read<DeviceRow>(includeRevoked ? SELECT_DEVICES : SELECT_ACTIVE_DEVICES, [
      address,
    ]);
    return rows.map(toDevice);
  }

  /** Ignores an unknown device: last-seen is a hint, not a fact worth failing over. */
  async touchDevice(deviceId: string, at: number): Promise<void> {
    await this.db.rows("UPDATE devices SET last_seen_at = $2 WHERE id = $1", [deviceId, at]);
  }
}
