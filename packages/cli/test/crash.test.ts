/**
 * [DS2] [DS3] [DS4] The hub is killed with SIGKILL while a client is sending:
 * after a restart no acknowledged message is missing, and the recipient sees
 * none twice (the sender's outbox resends what was not acknowledged, under
 * the same client message ids).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, newDevice } from "../../client/test/scenario/harness.js";
import { PROCESS_TEST_TIMEOUT_MS, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-crash-"));
let hub: HubProcess | undefined;

afterAll(async () => {
  await hub?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("crash safety", () => {
  it(
    "[DS2] SIGKILL under load loses no acknowledged message and shows none twice",
    async () => {
      const port = await freePort();
      const db = join(dir, "hub.db");
      hub = await spawnHub(port, db);
      const alice = await newDevice(hub.url, "alice@example.com@messenger");
      const bob = await newDevice(hub.url, "bob@instagram");
      const conversation = await alice.client.openDirect("bob@instagram");

      const total = 300;
      const acked: string[] = [];
      let failures = 0;
      const sending = (async () => {
        for (let i = 0; i < total; i++) {
          const text = `m${i}`;
          try {
            await alice.client.sendText(conversation, text);
            acked.push(text);
          } catch {
            failures++; // Still in the outbox: resent after reconnecting.
          }
        }
      })();

      await eventually(() => acked.length >= 100, "100 acknowledged messages before the crash", 60_000);
      await hub.kill("SIGKILL");
      const ackedBeforeCrash = [...acked];
      hub = await spawnHub(port, db);
      await sending;
      await alice.client.sync();

      const expected = Array.from({ length: total }, (_, i) => `m${i}`);
      await eventually(() => bob.received.length >= total, "bob to receive every message", 60_000);
      await bob.client.sync();
      const got = bob.received.map((m) => m.text);
      for (const text of ackedBeforeCrash) expect(got).toContain(text);
      expect(new Set(got).size).toBe(got.length);
      expect([...got].sort()).toEqual([...expected].sort());
      expect(failures).toBeLessThan(total);
      await Promise.all([alice.client.close(), bob.client.close()]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
