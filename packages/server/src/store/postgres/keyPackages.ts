import type { ClaimedKeyPackage } from "../port.js";
import type { Database } from "./database.js";
import { bytes } from "./rows.js";

/**
 * One statement per claim. The account's active devices are locked FOR SHARE
 * (in id order), so a revocation committing meanwhile takes effect before or
 * after the claim, never halfway. Each device's oldest one-time package is
 * taken FOR UPDATE SKIP LOCKED: a package another claim holds is skipped for
 * the next one, and one that a committed claim deleted is never returned, so
 * no package is handed out twice (SPEC ST4) and claims never queue behind
 * each other. A device with no free one-time package gets its last-resort
 * package, which is kept.
 */
const CLAIM = `
  WITH device AS MATERIALIZED (
    SELECT id, created_at FROM devices
    WHERE address = $1 AND revoked_at IS NULL AND ($2::text[] IS NULL OR id = ANY($2::text[]))
    ORDER BY id FOR SHARE
  ),
  picked AS MATERIALIZED (
    SELECT d.id AS device_id, k.id AS package_id
    FROM device d CROSS JOIN LATERAL (
      SELECT id FROM key_packages WHERE device_id = d.id AND NOT last_resort
      ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
    ) k
  ),
  taken AS (
    DELETE FROM key_packages WHERE id IN (SELECT package_id FROM picked) RETURNING device_id, data
  )
  SELECT d.id AS device_id, coalesce(t.data, lr.data) AS data, t.data IS NULL AS last_resort
  FROM device d
  LEFT JOIN taken t ON t.device_id = d.id
  LEFT JOIN key_packages lr ON lr.device_id = d.id AND lr.last_resort
  WHERE t.data IS NOT NULL OR lr.data IS NOT NULL
  ORDER BY d.created_at, d.id`;

/**
 * MLS KeyPackages (RFC 9420 §10): one-time packages are handed out once and
 * deleted; the last-resort package (RFC 9420 §16.8) is handed out when none
 * is left, and kept, so a device can always be added to a group.
 */
export class KeyPackageQueries {
  constructor(private readonly db: Database) {}

  add(deviceId: string, oneTime: Uint8Array[], lastResort: Uint8Array | null): Promise<number> {
    return this.db.transaction(async (tx) => {
      if (oneTime.length > 0) {
        // WITH ORDINALITY keeps the caller's order, so ids (claim order) follow it.
        await tx.rows(
          `INSERT INTO key_packages (device_id, last_resort, data)
           SELECT $1, false, data FROM unnest($2::bytea[]) WITH ORDINALITY AS t(data, n) ORDER BY n`,
          [deviceId, oneTime],
        );
      }
      if (lastResort !== null) {
        await tx.rows(
          `INSERT INTO key_packages (device_id, last_resort, data) VALUES ($1, true, $2)
           ON CONFLICT (device_id) WHERE last_resort DO UPDATE SET data = EXCLUDED.data`,
          [deviceId, lastResort],
        );
      }
      const [row] = await tx.rows<{ n: number }>(
        "SELECT count(*) AS n FROM key_packages WHERE device_id = $1 AND NOT last_resort",
        [deviceId],
      );
      return row?.n ?? 0;
    });
  }

  /** `onlyDevices` narrows the claim (a new linked device); ids that are not active devices of the account are ignored. */
  async claim(address: string, onlyDevices?: string[]): Promise<ClaimedKeyPackage[]> {
    const rows = await this.db.rows<{ device_id: string; data: Buffer; last_resort: boolean }>(CLAIM, [
      address,
      onlyDevices ?? null,
    ]);
    return rows.map((row) => ({
      deviceId: row.device_id,
      keyPackage: bytes(row.data),
      lastResort: row.last_resort,
    }));
  }

  async count(deviceId: string): Promise<number> {
    const [row] = await this.db.read<{ n: number }>(
      "SELECT count(*) AS n FROM key_packages WHERE device_id = $1 AND NOT last_resort",
      [deviceId],
    );
    return row?.n ?? 0;
  }

  async list(deviceId: string): Promise<Uint8Array[]> {
    const rows = await this.db.read<{ data: Buffer }>(
      "SELECT data FROM key_packages WHERE device_id = $1 AND NOT last_resort ORDER BY id",
      [deviceId],
    );
    return rows.map((row) => bytes(row.data));
  }
}
