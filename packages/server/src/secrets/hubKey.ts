/**
 * Where the hub's Ed25519 external-sender key comes from (issue 14, item 11):
 * the environment (SWITCHBOARD_HUB_KEY, the 32-byte seed in base64 or hex),
 * or a key file only the hub's user may read, created on first start. Not the
 * database: backups and replicas of it should not carry the key that lets the
 * hub propose removals in every group.
 *
 * Every node of a cluster must sign with the same key (every group names it):
 * the database records the public half, the first node's wins, and a node
 * given another key refuses to start. A key an older version stored in the
 * database is moved into the key file on first start, then deleted there.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { equalBytes } from "@switchboard/protocol";
import { generateHubSigningKey } from "../mls/hubSender.js";
import type { HubSigningKey, Store } from "../store/port.js";
import { createPrivateFile, requirePrivateFile } from "./privateFiles.js";

export const HUB_KEY_ENV = "SWITCHBOARD_HUB_KEY";

export class HubKeyError extends Error {
  override name = "HubKeyError";
}

/** The default key file: next to a SQLite database, else in ./data. */
export function defaultHubKeyFile(db: string): string {
  const sqliteFile = !/^postgres(ql)?:\/\//.test(db) && db !== ":memory:";
  return join(sqliteFile ? dirname(db) : "./data", "hub.key");
}

/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The key pair of a 32-byte Ed25519 seed. */
export function hubKeyFromSeed(seed: Uint8Array): HubSigningKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const x = createPublicKey(privateKey).export({ format: "jwk" }).x ?? "";
  return { publicKey: new Uint8Array(Buffer.from(x, "base64url")), privateKey: Uint8Array.from(seed) };
}

/** A seed written as 64 hex digits or as base64 (what the key file holds), surrounding space ignored. */
export function parseSeed(text: string, from: string): Uint8Array {
  const value = text.trim();
  const seed = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, "hex")
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
      ? Buffer.from(value, "base64")
      : undefined;
  if (seed?.length !== 32)
    throw new HubKeyError(
      `${from} must be a 32-byte Ed25519 seed in base64 or hex (openssl rand -base64 32)`,
    );
  return new Uint8Array(seed);
}

export interface HubKeySource {
  /** The key file; created (0600) when missing and no key is in the environment. */
  file: string;
  /** The value of SWITCHBOARD_HUB_KEY, when set. */
  env?: string | undefined;
}

/** The hub's key, from the environment or the key file, checked against the database's record. */
export async function loadHubKey(source: HubKeySource, store: Store): Promise<HubSigningKey> {
  const stored = await store.readHubKey();
  let key: HubSigningKey;
  let from: string;
  if (source.env !== undefined && source.env !== "") {
    key = hubKeyFromSeed(parseSeed(source.env, HUB_KEY_ENV));
    from = HUB_KEY_ENV;
  } else {
    from = `hub key file ${source.file}`;
    if (!existsSync(source.file)) {
      if (stored !== undefined && stored.privateKey === null)
        throw new HubKeyError(
          `${source.file} does not exist and ${HUB_KEY_ENV} is not set, but this database's groups name a hub key: ` +
            `give this node the key file (or ${HUB_KEY_ENV}) the other nodes use`,
        );
      // First start: the key an older version kept in the database, else a new one.
      const fresh =
        stored?.privateKey != null
          ? { publicKey: stored.publicKey, privateKey: stored.privateKey }
          : generateHubSigningKey();
      // Another node sharing this path may have written it first: then use that one.
      createPrivateFile(source.file, `${Buffer.from(fresh.privateKey).toString("base64")}\n`);
    }
    requirePrivateFile(source.file, "hub key file");
    key = hubKeyFromSeed(parseSeed(readFileSync(source.file, "utf8"), from));
  }
  const recorded = await store.settleHubKey(key.publicKey);
  if (!equalBytes(recorded, key.publicKey))
    throw new HubKeyError(
      `the hub key from ${from} is not the one this database's groups name ` +
        `(public key ${Buffer.from(recorded).toString("base64")}): give every node the same key file or ${HUB_KEY_ENV}`,
    );
  return key;
}
