/**
 * [ST27] Secrets at rest: the hub's key comes from a 0600 file it creates or
 * from the environment, never again from the database; SQLite files are 0600.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openBackends } from "../../src/backends.js";
import { DEFAULT_CONFIG } from "../../src/config/serverConfig.js";
import { generateHubSigningKey } from "../../src/mls/hubSender.js";
import {
  HubKeyError,
  defaultHubKeyFile,
  hubKeyFromSeed,
  loadHubKey,
  parseSeed,
} from "../../src/secrets/hubKey.js";
import { InsecureFileError } from "../../src/secrets/privateFiles.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { pino } from "pino";

const mode = (path: string) => statSync(path).mode & 0o777;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("the hub key at rest", () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-secrets-"));
    store = openSqliteStore({ path: ":memory:" });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("[ST27] on first start the key file is created 0600 (in a 0700 directory), and used from then on", async () => {
    const file = join(dir, "data", "hub.key");
    const key = await loadHubKey({ file }, store);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, "data"))).toBe(0o700);
    expect(parseSeed(readFileSync(file, "utf8"), file)).toEqual(key.privateKey);
    expect(hubKeyFromSeed(key.privateKey).publicKey).toEqual(key.publicKey);
    const again = await loadHubKey({ file }, store);
    expect(again).toEqual(key);
    // The database records the public half only.
    expect(await store.readHubKey()).toEqual({ publicKey: key.publicKey, privateKey: null });
  });

  it("[ST27] a key file the group or others can read is refused, naming the file and the fix", async () => {
    const file = join(dir, "hub.key");
    writeFileSync(file, `${b64(generateHubSigningKey().privateKey)}\n`, { mode: 0o600 });
    chmodSync(file, 0o644);
    const refused = loadHubKey({ file }, store);
    await expect(refused).rejects.toThrow(InsecureFileError);
    await expect(refused).rejects.toThrow(
      `hub key file ${file} is accessible by group or others (mode 0644); run: chmod 600 ${file}`,
    );
    chmodSync(file, 0o640);
    await expect(loadHubKey({ file }, store)).rejects.toThrow(/chmod 600/);
    chmodSync(file, 0o600);
    await expect(loadHubKey({ file }, store)).resolves.toBeDefined();
  });

  it("[ST27] the key from SWITCHBOARD_HUB_KEY (base64 or hex) is used, and no file is written", async () => {
    const seed = generateHubSigningKey().privateKey;
    const file = join(dir, "hub.key");
    const fromBase64 = await loadHubKey({ file, env: b64(seed) }, store);
    expect(fromBase64).toEqual(hubKeyFromSeed(seed));
    expect(await loadHubKey({ file, env: Buffer.from(seed).toString("hex") }, store)).toEqual(fromBase64);
    expect(() => statSync(file)).toThrow();
    await expect(loadHubKey({ file, env: "not a key" }, store)).rejects.toThrow(
      /SWITCHBOARD_HUB_KEY must be a 32-byte/,
    );
  });

  it("[ST27] a key an older version stored in the database moves to the key file and leaves the database", async () => {
    const legacy = await store.hubSigningKey(generateHubSigningKey());
    const file = join(dir, "hub.key");
    const key = await loadHubKey({ file }, store);
    expect(key).toEqual(legacy);
    expect(mode(file)).toBe(0o600);
    expect(await store.readHubKey()).toEqual({ publicKey: legacy.publicKey, privateKey: null });
  });

  it("[ST27] a node given another key than the one the database records refuses to start", async () => {
    await loadHubKey({ file: join(dir, "one.key") }, store);
    const other = join(dir, "two.key");
    writeFileSync(other, b64(generateHubSigningKey().privateKey), { mode: 0o600 });
    await expect(loadHubKey({ file: other }, store)).rejects.toThrow(HubKeyError);
    await expect(loadHubKey({ file: other }, store)).rejects.toThrow(
      /hub key file .*two.key is not the one this database's groups name .*give every node the same key file/,
    );
    const env = b64(generateHubSigningKey().privateKey);
    await expect(loadHubKey({ file: join(dir, "one.key"), env }, store)).rejects.toThrow(
      /SWITCHBOARD_HUB_KEY is not the one/,
    );
  });

  it("[ST27] a node without the key file of a database that records one does not make a new key", async () => {
    await loadHubKey({ file: join(dir, "one.key") }, store);
    rmSync(join(dir, "one.key"));
    await expect(loadHubKey({ file: join(dir, "one.key") }, store)).rejects.toThrow(/does not exist/);
    expect(() => statSync(join(dir, "one.key"))).toThrow();
  });

  it("the default key file is next to a SQLite database, else in ./data", () => {
    expect(defaultHubKeyFile("/var/lib/switchboard/hub.db")).toBe("/var/lib/switchboard/hub.key");
    expect(defaultHubKeyFile("postgres://db/x")).toBe("data/hub.key");
  });

  it("[ST27] the SQLite database, its -wal and -shm files are created 0600 in a 0700 directory", async () => {
    const db = join(dir, "state", "hub.db");
    const backends = await openBackends({ ...DEFAULT_CONFIG, db }, pino({ level: "silent" }));
    try {
      await backends.store.createAccount(
        { address: "a@test", app: "test", displayName: "a", createdAt: 1 },
        { id: "a-1", signatureKey: new Uint8Array(32), createdAt: 1 },
      );
      for (const file of [db, `${db}-wal`, `${db}-shm`]) expect([file, mode(file)]).toEqual([file, 0o600]);
      expect(mode(join(dir, "state"))).toBe(0o700);
    } finally {
      await backends.store.close();
      await backends.bus.close();
    }
  });

  it("[ST27] an existing database readable by others is narrowed to 0600 when opened", async () => {
    const db = join(dir, "old.db");
    await openSqliteStore({ path: db }).close();
    chmodSync(db, 0o644);
    const backends = await openBackends({ ...DEFAULT_CONFIG, db }, pino({ level: "silent" }));
    await backends.store.close();
    await backends.bus.close();
    expect(mode(db)).toBe(0o600);
  });
});
