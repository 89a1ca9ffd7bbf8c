import type Database from "better-sqlite3";
import type { NewVerificationCode, VerificationCodeRecord } from "../port.js";
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
 * they are what the per-address issue budget counts. Writes run inside a
 * group-commit batch, so each check and its write are one atomic step.
 */
export class VerificationCodeQueries {
  private readonly countSince;
  private readonly forgetBefore;
  private readonly supersede;
  private readonly insert;
  private readonly bump;
  private readonly pending;
  private readonly consume;

  constructor(db: Database.Database) {
    this.countSince = db.prepare<[string, number], { n: number }>(
      "SELECT count(*) AS n FROM verification_codes WHERE address = ? AND created_at >= ?",
    );
    this.forgetBefore = db.prepare<[string, number]>(
      "DELETE FROM verification_codes WHERE address = ? AND created_at < ?",
    );
    this.supersede = db.prepare<[string]>("UPDATE verification_codes SET consumed = 1 WHERE address = ?");
    this.insert = db.prepare<[string, Uint8Array, Uint8Array, number, number]>(
      `INSERT INTO verification_codes (address, salt, code_hash, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.bump = db.prepare<[string, number]>(
      `UPDATE verification_codes SET attempts = attempts + 1
       WHERE address = ? AND consumed = 0 AND expires_at > ?`,
    );
    this.pending = db.prepare<[string, number], CodeRow>(
      `SELECT * FROM verification_codes WHERE address = ? AND consumed = 0 AND expires_at > ?
       ORDER BY id DESC LIMIT 1`,
    );
    this.consume = db.prepare<[number]>(
      "UPDATE verification_codes SET consumed = 1 WHERE id = ? AND consumed = 0",
    );
  }

  issue(code: NewVerificationCode, windowStart: number, maxPerWindow: number): "issued" | "too_many" {
    this.forgetBefore.run(code.address, windowStart);
    if ((this.countSince.get(code.address, windowStart)?.n ?? 0) >= maxPerWindow) return "too_many";
    this.supersede.run(code.address);
    this.insert.run(code.address, code.salt, code.codeHash, code.createdAt, code.expiresAt);
    return "issued";
  }

  attempt(address: string, now: number): VerificationCodeRecord | undefined {
    if (this.bump.run(address, now).changes === 0) return undefined;
    const row = this.pending.get(address, now);
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

  consumeCode(id: number): boolean {
    return this.consume.run(id).changes > 0;
  }
}
