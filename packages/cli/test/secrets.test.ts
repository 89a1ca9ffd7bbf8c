/**
 * [ST27] `switchboard serve` and its secrets at rest, as a real process: the
 * key file it creates is 0600 and survives a restart (the same key: groups
 * keep working); a key file others can read stops it with one line naming the
 * file and the fix.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, newDevice, texts } from "../../client/test/scenario/harness.js";
import { PROCESS_TEST_TIMEOUT_MS, freePort, spawnHub } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe("serve: secrets at rest", () => {
  it(
    "[ST27] creates its key file 0600 next to the database, keeps it across restarts, and refuses it once others can read it",
    async () => {
      const db = join(dir, "data", "hub.db");
      const keyFile = join(dir, "data", "hub.key");
      const port = await freePort();
      let hub = await spawnHub(port, db);
      const alice = await newDevice(hub.url, "alice@example.com@messenger");
      const bob = await newDevice(hub.url, "bob@instagram");
      const conversation = await alice.client.openDirect("bob@instagram");
      await alice.client.sendText(conversation, "one");
      await eventually(() => texts(bob.received).includes("one"), "bob to get one");
      expect(mode(keyFile)).toBe(0o600);
      expect(mode(db)).toBe(0o600);
      expect(mode(join(dir, "data"))).toBe(0o700);
      const key = readFileSync(keyFile, "utf8");
      await hub.kill("SIGTERM");

      // Restarted: the same key, and the conversation goes on.
      hub = await spawnHub(port, db);
      expect(readFileSync(keyFile, "utf8")).toBe(key);
      await alice.client.sendText(conversation, "two");
      await eventually(() => texts(bob.received).includes("two"), "bob to get two after the restart");
      await Promise.all([alice.client.close(), bob.client.close()]);
      await hub.kill("SIGTERM");

      chmodSync(keyFile, 0o644);
      await expect(spawnHub(await freePort(), db)).rejects.toThrow(
        `switchboard: hub key file ${keyFile} is accessible by group or others (mode 0644); run: chmod 600 ${keyFile}`,
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
