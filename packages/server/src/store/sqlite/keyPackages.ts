import type Database from "better-sqlite3";
import type { ClaimedKeyPackage } from "../port.js";
import { bytes } from "./rows.js";

interface PackageRow {
  id: number;
  data: Buffer;
}

/**
 * MLS KeyPackages (RFC 9420 §10): one-time packages are handed out once and
 * deleted; the last-resort package (RFC 9420 §16.8) is handed out when none
 * is left, and kept, so a device can always be added to a group.
 */
export class KeyPackageQueries {
  private readonly insert;
  private readonly deleteLastResort;
  private readonly countOneTime;
  private readonly activeDevices;
  private readonly oldestOneTime;
  private readonly lastResort;
  private readonly deleteById;
  private readonly allOneTime;

  constructor(db: Database.Database) {
    this.insert = db.prepare<[string, 0 | 1, Uint8Array]>(
      "INSERT INTO key_packages (device_id, last_resort, data) VALUES (?, ?, ?)",
    );
    this.deleteLastResort = db.prepare<[string]>(
      "DELETE FROM key_packages WHERE device_id = ? AND last_resort = 1",
    );
    this.countOneTime = db.prepare<[string], { n: number }>(
      "SELECT count(*) AS n FROM key_packages WHERE device_id = ? AND last_resort = 0",
    );
    this.activeDevices = db.prepare<[string], { id: string }>(
      "SELECT id FROM devices WHERE address = ? AND revoked_at IS NULL ORDER BY created_at, id",
    );
    this.oldestOneTime = db.prepare<[string], PackageRow>(
      "SELECT id, data FROM key_packages WHERE device_id = ? AND last_resort = 0 ORDER BY id LIMIT 1",
    );
    this.lastResort = db.prepare<[string], PackageRow>(
      "SELECT id, data FROM key_packages WHERE device_id = ? AND last_resort = 1",
    );
    this.deleteById = db.prepare<[number]>("DELETE FROM key_packages WHERE id = ?");
    this.allOneTime = db.prepare<[string], PackageRow>(
      "SELECT id, data FROM key_packages WHERE device_id = ? AND last_resort = 0 ORDER BY id",
    );
  }

  add(deviceId: string, oneTime: Uint8Array[], lastResort: Uint8Array | null): number {
    for (const keyPackage of oneTime) this.insert.run(deviceId, 0, keyPackage);
    if (lastResort !== null) {
      this.deleteLastResort.run(deviceId);
      this.insert.run(deviceId, 1, lastResort);
    }
    return this.count(deviceId);
  }

  /**
   * Runs inside one write transaction, so two claims can never see the same
   * one-time package. `onlyDevices` narrows the claim (a new linked device);
   * ids that are not active devices of the account are ignored.
   */
  claim(address: string, onlyDevices?: string[]): ClaimedKeyPackage[] {
    const claimed: ClaimedKeyPackage[] = [];
    const wanted = onlyDevices === undefined ? undefined : new Set(onlyDevices);
    for (const { id: deviceId } of this.activeDevices.all(address)) {
      if (wanted !== undefined && !wanted.has(deviceId)) continue;
      const oneTime = this.oldestOneTime.get(deviceId);
      if (oneTime !== undefined) {
        this.deleteById.run(oneTime.id);
        claimed.push({ deviceId, keyPackage: bytes(oneTime.data), lastResort: false });
        continue;
      }
      const fallback = this.lastResort.get(deviceId);
      if (fallback !== undefined)
        claimed.push({ deviceId, keyPackage: bytes(fallback.data), lastResort: true });
    }
    return claimed;
  }

  count(deviceId: string): number {
    return this.countOneTime.get(deviceId)?.n ?? 0;
  }

  list(deviceId: string): Uint8Array[] {
    return this.allOneTime.all(deviceId).map((row) => bytes(row.data));
  }
}
