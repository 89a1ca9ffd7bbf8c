/** [DS8] No plaintext and no private key ever reaches the hub: not its database files, not its logs. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, newDevice, startTestHub, texts, type TestHub } from "./harness.js";

const SENTINEL = "SENTINEL-7f3a9c-the-hub-must-never-see-this";

function contains(haystack: Buffer, needle: Uint8Array): boolean {
  return haystack.indexOf(Buffer.from(needle)) !== -1;
}

describe("privacy", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DS8] a sentinel sent in messages appears nowhere in the hub's database files (WAL included) or logs", async () => {
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const bob = await newDevice(hub.hub.url, "+14155550100@whatsapp");
    const carol = await newDevice(hub.hub.url, "carol@instagram");
    const group = await alice.client.createGroup(`${SENTINEL} title`, [
      "+14155550100@whatsapp",
      "carol@instagram",
    ]);
    for (let i = 0; i < 20; i++) await alice.client.sendText(group, `${SENTINEL} ${i}`);
    await bob.client.sendText("alice@example.com@messenger", `${SENTINEL} direct`);
    await eventually(() => texts(carol.received, group).length === 20, "carol to receive everything");
    await eventually(
      () => alice.received.some((m) => m.text.includes("direct")),
      "alice to get the direct message",
    );
    // The test itself proves the sentinel did travel (and was decrypted on devices).
    expect(texts(carol.received, group)[0]).toContain(SENTINEL);

    const files = readdirSync(hub.dir).filter((f) => f.startsWith("hub.db"));
    expect(files).toContain("hub.db-wal");
    const secrets = await Promise.all(
      [alice, bob, carol].map(async (d) => (await d.store.getIdentity())!.signaturePrivateKey),
    );
    for (const file of files) {
      const bytes = readFileSync(join(hub.dir, file));
      expect(contains(bytes, new TextEncoder().encode(SENTINEL)), `${file} holds plaintext`).toBe(false);
      for (const key of secrets) expect(contains(bytes, key), `${file} holds a private key`).toBe(false);
    }
    const logs = hub.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(SENTINEL);
    for (const key of secrets) expect(logs).not.toContain(Buffer.from(key).toString("hex"));
    await Promise.all([alice, bob, carol].map((d) => d.client.close()));
  });
});
