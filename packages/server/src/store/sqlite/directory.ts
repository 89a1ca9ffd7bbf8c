import type Database from "better-sqlite3";
import type {
  AccountRecord,
  CreateAccountResult,
  DeviceRecord,
  MoveAccountResult,
  NewAccount,
  NewDevice,
  RevocationProof,
} from "../port.js";
import { bytes, toAccount, toDevice, type AccountRow, type DeviceRow } from "./rows.js";

export type AddDeviceResult = "added" | "unknown_account" | "device_taken" | "device_limit";

/** Accounts and devices. Writes are synchronous and run inside a group-commit batch. */
export class DirectoryQueries {
  private readonly selectAccount;
  private readonly insertAccount;
  private readonly selectDevice;
  private readonly insertDevice;
  private readonly countActive;
  private readonly selectActiveDevices;
  private readonly selectAllDevices;
  private readonly updateLastSeen;
  private readonly markRevoked;
  private readonly selectRevocation;
  private readonly addRevocationProof;
  private readonly deleteKeyPackages;

  constructor(db: Database.Database) {
    this.selectAccount = db.prepare<[string], AccountRow>("SELECT * FROM accounts WHERE address = ?");
    this.insertAccount = db.prepare<[string, string, string, number]>(
      "INSERT INTO accounts (address, app, display_name, created_at) VALUES (?, ?, ?, ?)",
    );
    this.selectDevice = db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE id = ?");
    this.insertDevice = db.prepare<
      [string, string, Uint8Array, number, number, string, string | null, Uint8Array | null, number | null]
    >(
      `INSERT INTO devices (id, address, signature_key, created_at, last_seen_at, name, approved_by, approval, approved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.countActive = db.prepare<[string], { n: number }>(
      "SELECT count(*) AS n FROM devices WHERE address = ? AND revoked_at IS NULL",
    );
    this.selectActiveDevices = db.prepare<[string], DeviceRow>(
      "SELECT * FROM devices WHERE address = ? AND revoked_at IS NULL ORDER BY created_at, rowid",
    );
    this.selectAllDevices = db.prepare<[string], DeviceRow>(
      "SELECT * FROM devices WHERE address = ? ORDER BY created_at, rowid",
    );
    this.updateLastSeen = db.prepare<[number, string]>("UPDATE devices SET last_seen_at = ? WHERE id = ?");
    this.markRevoked = db.prepare<[number, string | null, Uint8Array | null, number | null, string]>(
      `UPDATE devices SET revoked_at = ?, revoked_by = ?, revocation = ?, revocation_signed_at = ?
       WHERE id = ? AND revoked_at IS NULL`,
    );
    this.selectRevocation = db.prepare<
      [string],
      { revoked_by: string | null; revocation: Buffer | null; revocation_signed_at: number | null }
    >("SELECT revoked_by, revocation, revocation_signed_at FROM devices WHERE id = ?");
    this.deleteKeyPackages = db.prepare<[string]>("DELETE FROM key_packages WHERE device_id = ?");
    this.addRevocationProof = db.prepare<[string, Uint8Array, number, string]>(
      `UPDATE devices SET revoked_by = ?, revocation = ?, revocation_signed_at = ?
       WHERE id = ? AND revoked_at IS NOT NULL AND revocation IS NULL`,
    );
  }

  /** The first device has no approver, whatever the caller passed. */
  createAccount(account: NewAccount, device: NewDevice): CreateAccountResult {
    if (this.selectAccount.get(account.address) !== undefined) return "address_taken";
    if (this.selectDevice.get(device.id) !== undefined) return "device_taken";
    this.insertAccount.run(account.address, account.app, account.displayName, account.createdAt);
    this.insertDevice.run(
      device.id,
      account.address,
      device.signatureKey,
      device.createdAt,
      device.createdAt,
      device.name ?? "",
      null,
      null,
      null,
    );
    return "created";
  }

  /**
   * Link another device to an existing account. Runs inside the batch
   * transaction, so the count of active devices cannot change between the
   * check and the insert.
   */
  addDevice(address: string, device: NewDevice, maxDevices: number): AddDeviceResult {
    if (this.selectAccount.get(address) === undefined) return "unknown_account";
    if (this.selectDevice.get(device.id) !== undefined) return "device_taken";
    if ((this.countActive.get(address)?.n ?? 0) >= maxDevices) return "device_limit";
    this.insertDevice.run(
      device.id,
      address,
      device.signatureKey,
      device.createdAt,
      device.createdAt,
      device.name ?? "",
      device.approvedBy ?? null,
      device.approval ?? null,
      device.approvedAt ?? null,
    );
    return "added";
  }

  /**
   * Revoke a device: it can no longer authenticate or be claimed for, so its
   * key packages go too (its pending inbox items are the caller's: they may
   * hold the last reference to a Welcome, SPEC ST28). Its group memberships
   * stay until a commit removes it (DESIGN rule 5). False when unknown or
   * already revoked.
   */
  revokeDevice(deviceId: string, at: number, proof?: RevocationProof): boolean {
    const marked = this.markRevoked.run(
      at,
      proof?.revokerDeviceId ?? null,
      proof?.signature ?? null,
      proof?.revokedAt ?? null,
      deviceId,
    );
    if (marked.changes === 0) return false;
    this.deleteKeyPackages.run(deviceId);
    return true;
  }

  /** Runs inside the batch transaction: the revocations and the insert commit together. */
  moveAccount(address: string, device: NewDevice, at: number): MoveAccountResult {
    if (this.selectAccount.get(address) === undefined) return { kind: "unknown_account" };
    if (this.selectDevice.get(device.id) !== undefined) return { kind: "device_taken" };
    const revoked = this.selectActiveDevices.all(address).map((d) => d.id);
    for (const id of revoked) this.revokeDevice(id, at);
    this.insertDevice.run(
      device.id,
      address,
      device.signatureKey,
      device.createdAt,
      device.createdAt,
      device.name ?? "",
      null,
      null,
      null,
    );
    return { kind: "moved", revoked };
  }

  recordRevocationProof(deviceId: string, proof: RevocationProof): boolean {
    return (
      this.addRevocationProof.run(proof.revokerDeviceId, proof.signature, proof.revokedAt, deviceId).changes >
      0
    );
  }

  getRevocation(deviceId: string): RevocationProof | undefined {
    const row = this.selectRevocation.get(deviceId);
    if (!row || row.revoked_by === null || row.revocation === null || row.revocation_signed_at === null)
      return undefined;
    return {
      revokerDeviceId: row.revoked_by,
      revokedAt: row.revocation_signed_at,
      signature: bytes(row.revocation),
    };
  }

  getAccount(address: string): AccountRecord | undefined {
    const row = this.selectAccount.get(address);
    return row && toAccount(row);
  }

  getDevice(deviceId: string): DeviceRecord | undefined {
    const row = this.selectDevice.get(deviceId);
    return row && toDevice(row);
  }

  /** True when the device exists and is not revoked. */
  isActive(deviceId: string): boolean {
    const row = this.selectDevice.get(deviceId);
    return row !== undefined && row.revoked_at === null;
  }

  /** Oldest first; ties broken by id so every adapter returns the same order. */
  listDevices(address: string, includeRevoked = false): DeviceRecord[] {
    const query = includeRevoked ? this.selectAllDevices : this.selectActiveDevices;
    return query.all(address).map(toDevice);
  }

  /** Ignores an unknown device: last-seen is a hint, not a fact worth failing over. */
  touchDevice(deviceId: string, at: number): void {
    this.updateLastSeen.run(at, deviceId);
  }
}
