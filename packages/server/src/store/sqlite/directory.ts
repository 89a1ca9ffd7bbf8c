import type Database from "better-sqlite3";
import type { AccountRecord, CreateAccountResult, DeviceRecord, NewAccount, NewDevice } from "../port.js";
import { toAccount, toDevice, type AccountRow, type DeviceRow } from "./rows.js";

/** Until port.ts declares device linking (see DeviceLifecycle in sqliteStore.ts). */
export type AddDeviceResult = "added" | "unknown_account" | "device_taken";

/** Accounts and devices. Writes are synchronous and run inside a group-commit batch. */
export class DirectoryQueries {
  private readonly selectAccount;
  private readonly insertAccount;
  private readonly selectDevice;
  private readonly insertDevice;
  private readonly selectActiveDevices;
  private readonly updateLastSeen;
  private readonly markRevoked;
  private readonly deleteKeyPackages;
  private readonly deleteInbox;

  constructor(db: Database.Database) {
    this.selectAccount = db.prepare<[string], AccountRow>("SELECT * FROM accounts WHERE address = ?");
    this.insertAccount = db.prepare<[string, string, string, number]>(
      "INSERT INTO accounts (address, app, display_name, created_at) VALUES (?, ?, ?, ?)",
    );
    this.selectDevice = db.prepare<[string], DeviceRow>("SELECT * FROM devices WHERE id = ?");
    this.insertDevice = db.prepare<[string, string, Uint8Array, number, number]>(
      "INSERT INTO devices (id, address, signature_key, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.selectActiveDevices = db.prepare<[string], DeviceRow>(
      "SELECT * FROM devices WHERE address = ? AND revoked_at IS NULL ORDER BY created_at, id",
    );
    this.updateLastSeen = db.prepare<[number, string]>("UPDATE devices SET last_seen_at = ? WHERE id = ?");
    this.markRevoked = db.prepare<[number, string]>(
      "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    );
    this.deleteKeyPackages = db.prepare<[string]>("DELETE FROM key_packages WHERE device_id = ?");
    this.deleteInbox = db.prepare<[string]>("DELETE FROM inbox WHERE device_id = ?");
  }

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
    );
    return "created";
  }

  /** Link another device to an existing account. */
  addDevice(address: string, device: NewDevice): AddDeviceResult {
    if (this.selectAccount.get(address) === undefined) return "unknown_account";
    if (this.selectDevice.get(device.id) !== undefined) return "device_taken";
    this.insertDevice.run(device.id, address, device.signatureKey, device.createdAt, device.createdAt);
    return "added";
  }

  /**
   * Revoke a device: it can no longer authenticate or be claimed for, so its
   * key packages and pending welcomes go too. Its group memberships stay until
   * a commit removes it (DESIGN rule 5). False when unknown or already revoked.
   */
  revokeDevice(deviceId: string, at: number): boolean {
    if (this.markRevoked.run(at, deviceId).changes === 0) return false;
    this.deleteKeyPackages.run(deviceId);
    this.deleteInbox.run(deviceId);
    return true;
  }

  getAccount(address: string): AccountRecord | undefined {
    const row = this.selectAccount.get(address);
    return row && toAccount(row);
  }

  getDevice(deviceId: string): DeviceRecord | undefined {
    const row = this.selectDevice.get(deviceId);
    return row && toDevice(row);
  }

  /** Oldest first; ties broken by id so every adapter returns the same order. */
  listDevices(address: string): DeviceRecord[] {
    return this.selectActiveDevices.all(address).map(toDevice);
  }

  /** Ignores an unknown device: last-seen is a hint, not a fact worth failing over. */
  touchDevice(deviceId: string, at: number): void {
    this.updateLastSeen.run(at, deviceId);
  }
}
