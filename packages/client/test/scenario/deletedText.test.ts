/**
 * [CT7] end to end on disk: after a delete for everyone, the deleted text is
 * in no byte of any member's SQLite store (db, -wal, -shm) once checkpointed:
 * not in the message row, not in the sender's outbox plaintext, not in an
 * edit's old text.
 */
import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteLocalStore } from "../../src/node.js";
import { eventually, newClient, startTestHub, type TestDevice, type TestHub } from "./harness.js";

function fileBytes(path: string): Buffer {
  return Buffer.concat(
    [path, `${path}-wal`, `${path}-shm`].map((p) => {
      try {
        return readFileSync(p);
      } catch {
        return Buffer.alloc(0);
      }
    }),
  );
}

function checkpoint(path: string): void {
  const db = new Database(path);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

describe("deleted text on disk", () => {
  let hub: TestHub;
  let dir: string;
  beforeEach(async () => {
    hub = await startTestHub();
    dir = mkdtempSync(join(tmpdir(), "switchboard-deleted-"));
  });
  afterEach(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function device(name: string, address: string): Promise<TestDevice & { path: string }> {
    const path = join(dir, `${name}.db`);
    const d = await newClient({ store: openSqliteLocalStore(path) });
    await d.client.register(hub.hub.url, address, name);
    await d.client.connect();
    return { ...d, path };
  }

  it("[CT7] no member's store file holds a byte of a message deleted for everyone", async () => {
    const alice = await device("alice", "alice@example.com@messenger");
    const bob = await device("bob", "+14155550100@whatsapp");
    const carol = await device("carol", "carol@instagram");
    const group = await alice.client.createGroup("Trip", ["+14155550100@whatsapp", "carol@instagram"]);
    const secret = "KUMQUAT-58e1-the-door-code-is-4471";
    const sent = await alice.client.sendText(group, `${secret} (first)`);
    await alice.client.edit(group, sent.id, `${secret} (edited)`);
    await alice.client.sendText(group, "an ordinary message");
    for (const d of [bob, carol])
      await eventually(async () => (await d.store.getMessage(group, sent.id))?.editCount === 1, "the edit");

    const all = [alice, bob, carol];
    for (const d of all) await d.client.close();
    for (const d of all) checkpoint(d.path);
    // The probe can fail: before the delete, the text is on every disk.
    for (const d of all) expect(fileBytes(d.path).includes(secret)).toBe(true);

    const again = await Promise.all(
      all.map(async (d) => {
        const reopened = await newClient({ store: openSqliteLocalStore(d.path) });
        await reopened.client.open();
        await reopened.client.connect();
        return { ...reopened, path: d.path };
      }),
    );
    const [alice2, bob2, carol2] = again as [
      TestDevice & { path: string },
      TestDevice & { path: string },
      TestDevice & { path: string },
    ];
    await alice2.client.deleteForEveryone(group, sent.id);
    for (const d of [bob2, carol2]) {
      await d.client.sync();
      await eventually(
        async () => (await d.store.getMessage(group, sent.id))?.deleted === true,
        "the delete",
      );
    }
    for (const d of again) await d.client.close();
    for (const d of again) checkpoint(d.path);
    for (const d of again) {
      const bytes = fileBytes(d.path);
      expect(bytes.includes(secret), d.path).toBe(false);
      expect(bytes.includes("an ordinary message"), d.path).toBe(true);
    }
  });
});
