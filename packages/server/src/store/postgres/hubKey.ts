import type { HubSigningKey } from "../port.js";
import type { Database } from "./database.js";
import { bytes } from "./rows.js";

/**
 * The hub's Ed25519 key as MLS external sender. Every node must sign with the
 * same key (it is in every group's external_senders extension), so the first
 * candidate stored wins and every later caller gets that one back.
 */
export class HubKeyQueries {
  constructor(private readonly db: Database) {}

  /**
   * Two statements, not one: when the insert yields to a row another node
   * committed meanwhile, only a new statement's snapshot can read that row.
   */
  async getOrStore(candidate: HubSigningKey): Promise<HubSigningKey> {
    type KeyRow = { public_key: Buffer; private_key: Buffer };
    const [inserted] = await this.db.rows<KeyRow>(
      `INSERT INTO hub_key (id, public_key, private_key) VALUES (1, $1, $2)
       ON CONFLICT (id) DO NOTHING RETURNING public_key, private_key`,
      [candidate.publicKey, candidate.privateKey],
    );
    const row =
      inserted ?? (await this.db.read<KeyRow>("SELECT public_key, private_key FROM hub_key WHERE id = 1"))[0];
    if (row === undefined) throw new Error("hub key missing after insert");
    return { publicKey: bytes(row.public_key), privateKey: bytes(row.private_key) };
  }

  async read(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array | null } | undefined> {
    const [row] = await this.db.read<{ public_key: Buffer; private_key: Buffer }>(
      "SELECT public_key, private_key FROM hub_key WHERE id = 1",
    );
    if (row === undefined) return undefined;
    return {
      publicKey: bytes(row.public_key),
      privateKey: row.private_key.length > 0 ? bytes(row.private_key) : null,
    };
  }

  /**
   * Three statements, each seeing what the one before committed (see
   * getOrStore). An empty private_key is "none". The old row version keeps
   * the private key until VACUUM reclaims it.
   */
  async settle(publicKey: Uint8Array): Promise<Uint8Array> {
    await this.db.rows(
      "INSERT INTO hub_key (id, public_key, private_key) VALUES (1, $1, '') ON CONFLICT (id) DO NOTHING",
      [publicKey],
    );
    await this.db.rows(
      "UPDATE hub_key SET private_key = '' WHERE id = 1 AND public_key = $1 AND octet_length(private_key) > 0",
      [publicKey],
    );
    const [row] = await this.db.read<{ public_key: Buffer }>("SELECT public_key FROM hub_key WHERE id = 1");
    if (row === undefined) throw new Error("hub key missing after insert");
    return bytes(row.public_key);
  }
}
