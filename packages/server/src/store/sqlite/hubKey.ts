import type Database from "better-sqlite3";
import type { HubSigningKey } from "../port.js";
import { bytes } from "./rows.js";

/**
 * The hub's Ed25519 key as MLS external sender. Every node must sign with the
 * same key (it is in every group's external_senders extension), so the first
 * candidate stored wins and every later caller gets that one back.
 */
export class HubKeyQueries {
  private readonly insertIfNone;
  private readonly select;

  constructor(db: Database.Database) {
    this.insertIfNone = db.prepare<[Uint8Array, Uint8Array]>(
      "INSERT INTO hub_key (id, public_key, private_key) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
    );
    this.select = db.prepare<[], { public_key: Buffer; private_key: Buffer }>(
      "SELECT public_key, private_key FROM hub_key WHERE id = 1",
    );
  }

  /** Runs inside one write transaction, so two racing nodes agree on one key. */
  getOrStore(candidate: HubSigningKey): HubSigningKey {
    this.insertIfNone.run(candidate.publicKey, candidate.privateKey);
    const row = this.select.get();
    if (row === undefined) throw new Error("hub key missing after insert");
    return { publicKey: bytes(row.public_key), privateKey: bytes(row.private_key) };
  }
}
