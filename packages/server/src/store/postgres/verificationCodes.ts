import type { NewVerificationCode, VerificationCodeRecord } from "../port.js";
import type { Database } from "./database.js";
import { bytes } from "./rows.js";

interface CodeRow {
  id: number;
  address: string;
  salt: Buffer;
  code_hash: Buffer;
  created_at: number;
  expires_at: number;
  attempts: number;
}

/**
 * Registration codes (SPEC DIR9). Rows outlive their use for an hour or so:
 * they are what the per-address issue budget counts.
 */
export class VerificationCodeQueries {
  constructor(private readonly db: Database) {}

  /**
   * A transaction-scoped advisory lock on the address serialises issuers on
   * every node, so two cannot both count two codes and both insert a third.
   */
  issue(
    code: NewVerificationCode,
    windowStart: number,
    maxPerWindow: number,
  ): Promise<"issued" | "too_many"> {
    return this.db.transaction(async (tx) => {
      await tx.rows("SELECT pg_advisory_xact_lock(hashtextextended('verification:' || $1, 0))", [
        code.address,
      ]);
      await tx.rows("DELETE FROM verification_codes WHERE address = $1 AND created_at < $2", [
        code.address,
        windowStart,
      ]);
      const [row] = await tx.rows<{ n: number }>(
        "SELECT count(*)::int AS n FROM verification_codes WHERE address = $1 AND created_at >= $2",
        [code.address, windowStart],
      );
      if ((row?.n ?? 0) >= maxPerWindow) return "too_many";
      await tx.rows("UPDATE verification_codes SET consumed = true WHERE address = $1", [code.address]);
      await tx.rows(
        `INSERT INTO verification_codes (address, salt, code_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [code.address, code.salt, code.codeHash, code.createdAt, code.expiresAt],
      );
      return "issued";
    });
  }

  /** One statement: the increment and the answer are atomic against concurrent guesses. */
  async attempt(address: string, now: number): Promise<VerificationCodeRecord | undefined> {
    const [row] = await this.db.rows<CodeRow>(
      `UPDATE verification_codes SET attempts = attempts + 1
       WHERE id = (SELECT id FROM verification_codes
                   WHERE address = $1 AND NOT consumed AND expires_at > $2
                   ORDER BY id DESC LIMIT 1)
       RETURNING id, address, salt, code_hash, created_at, expires_at, attempts`,
      [address, now],
    );
    return (
      row && {
        id: row.id,
        address: row.address,
        salt: bytes(row.salt),
        codeHash: bytes(row.code_hash),
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        attempts: row.attempts,
      }
    );
  }

  async consume(id: number): Promise<boolean> {
    const rows = await this.db.rows(
      "UPDATE verification_codes SET consumed = true WHERE id = $1 AND NOT consumed RETURNING id",
      [id],
    );
    return rows.length > 0;
  }
}
