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
  private readonly insertPublic;
  private readonly dropPrivate;

  constructor(db: Database.Database) {
    this.insertIfNone = db.prepare<[Uint8Array, Uint8Array]>(
      "INSERT INTO hub_key (id, public_key, private_key) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
    );
    this.select = db.prepare<[], { public_key: Buffer; private_key: Buffer }>(
      "SELECT public_key, private_key FROM hub_key WHERE id = 1",
    );
    // An empty private_key is "none": the column is NOT NULL since version 2.
    this.insertPublic = db.prepare<[Uint8Array]>(
      "INSERT INTO hub_key (id, public_key, private_key) VALUES (1, ?, x'') ON CONFLICT (id) DO NOTHING",
    );
    this.dropPrivate = db.prepare<[Uint8Array]>(
      "UPDATE hub_key SET private_key = x'' WHERE id = 1 AND public_key = ? AND length(private_key) > 0",
    );
  }

  read(): { publicKey: Uint8Array; privateKey: Uint8Array | null } | undefined {
    const row = this.select.get();
    if (row === undefined) return undefined;
    return {
      publicKey: bytes(row.public_key),
      privateKey: row.private_key.length > 0 ? bytes(row.private_key) : null,
    };
  }

  /** Runs inside one write transaction. */
  settle(publicKey: Uint8Array): Uint8Array {
    this.insertPublic.run(publicKey);
    this.dropPrivate.run(publicKey);
    const row = this.select.get();
    if (row === undefined) throw new Error("hub key missing after insert");
    return bytes(row.public_key);
  }

  /** Runs inside one write transaction, so two racing nodes agree on one key. */
  getOrStore(candidate: HubSigningKey): HubSigningKey {
    this.insertIfNone.run(candidate.publicKey, candidate.privateKey);
    const row = this.select.get();
    if (row === undefined) throw new Error("hub key missing after insert");
    return { publicKey: bytes(row.public_key), privateKey: bytes(row.private_key) };
  }
}
