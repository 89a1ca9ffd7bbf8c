/**
 * The CLI contract for receipts, typing and the read-receipt setting
 * (packages/cli/README.md; SPEC RS, EP): real hub process, real CLI
 * processes, three apps.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, jsonLines } from "./cliRunner.js";
import { PROCESS_TEST_TIMEOUT_MS, CLI, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-status-"));
let hub: HubProcess;
const { sb, sbFails } = cliRunner(dir, () => hub.url);

const ALICE = "alice@example.com@messenger";
const BOB = "+14155550100@whatsapp";
const CAROL = "carol@instagram";

beforeAll(async () => {
  hub = await spawnHub(await freePort(), join(dir, "hub.db"));
});
afterAll(async () => {
  await hub.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

const receiptsIn = (lines: Record<string, unknown>[]) =>
  lines.filter((o) => o.kind === "receipt").map((o) => [o.from, o.status, o.id]);

describe("switchboard CLI: receipts, read, typing, settings", () => {
  it(
    "[RS1]-[RS6] sync and history print receipts; read marks read; read receipts off hides them both ways",
    async () => {
      await sb("alice", "register", ALICE);
      await sb("bob", "register", BOB);
      await sb("carol", "register", CAROL);
      const group = (await sb("alice", "group", "create", "Trip", BOB, CAROL)).trim();
      const one = String(
        (JSON.parse(await sb("alice", "send", group, "one", "--json")) as { id: string }).id,
      );
      const two = String(
        (JSON.parse(await sb("alice", "send", group, "two", "--json")) as { id: string }).id,
      );

      expect(await sb("carol", "settings", "read-receipts", "off")).toBe("read receipts off\n");
      expect((await sbFails("carol", "settings", "read-receipts", "maybe")).stderr).toMatch(
        /^switchboard: read-receipts takes "on" or "off", got "maybe"\n$/,
      );
      // Syncing is receiving: each device sends one delivered report for both messages.
      expect(jsonLines(await sb("bob", "sync", "--json")).map((o) => o.kind)).toEqual(["message", "message"]);
      await sb("carol", "sync");

      const delivered = jsonLines(await sb("alice", "sync", "--json"));
      expect(receiptsIn(delivered).sort()).toEqual(
        [
          [BOB, "delivered", one],
          [BOB, "delivered", two],
          [CAROL, "delivered", one],
          [CAROL, "delivered", two],
        ].sort(),
      );
      expect(delivered.filter((o) => o.kind === "receipt")[0]).toMatchObject({
        conversation: group,
        fromName: expect.any(String),
        at: expect.any(String),
      });
      // Printed once.
      expect(jsonLines(await sb("alice", "sync", "--json"))).toEqual([]);

      expect(JSON.parse(await sb("bob", "read", group, "--json"))).toEqual({
        conversation: group,
        read: 2,
        sent: true,
      });
      expect(await sb("bob", "read", group)).toBe("marked 0 read\n");
      expect(JSON.parse(await sb("carol", "read", group, "--json"))).toEqual({
        conversation: group,
        read: 2,
        sent: false,
      });
      expect(receiptsIn(jsonLines(await sb("alice", "sync", "--json"))).sort()).toEqual(
        [
          [BOB, "read", one],
          [BOB, "read", two],
        ].sort(),
      );

      // History: each of Alice's messages with its status (lowest over Bob and Carol) and its receipts.
      const history = jsonLines(await sb("alice", "history", group, "--json"));
      expect(history.filter((o) => o.kind === "message").map((o) => [o.text, o.status])).toEqual([
        ["one", "delivered"],
        ["two", "delivered"],
      ]);
      expect(receiptsIn(history)).toEqual([
        [BOB, "read", one],
        [CAROL, "delivered", one],
        [BOB, "read", two],
        [CAROL, "delivered", two],
      ]);
      expect(await sb("alice", "history", group)).toMatch(/one ✓✓/);
      // Carol sees no one's read receipts: Alice reads Carol's message, Carol's tick stays delivered.
      await sb("carol", "send", group, "from carol");
      await sb("bob", "sync");
      await sb("alice", "read", group);
      expect(receiptsIn(jsonLines(await sb("carol", "sync", "--json"))).map((r) => r[1])).not.toContain(
        "read",
      );
      const carolHistory = jsonLines(await sb("carol", "history", group, "--json"));
      expect(carolHistory.find((o) => o.text === "from carol")).toMatchObject({ status: "delivered" });
      expect(carolHistory.find((o) => o.text === "one")).toMatchObject({ status: null });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[EP1] [EP7] typing reaches a listening device as a typing line, and is never stored",
    async () => {
      await sb("dan", "register", "dan@instagram");
      await sb("eve", "register", "+14155550122@whatsapp");
      const sent = JSON.parse(await sb("dan", "send", "+14155550122@whatsapp", "hi", "--json")) as {
        conversation: string;
      };
      await sb("eve", "sync");
      await sb("dan", "sync");
      // Presence is opt-in; turning it on announces "online" into Dan's conversations.
      expect(await sb("dan", "settings", "presence", "on")).toBe("presence on\n");
      const listener = spawn(
        process.execPath,
        [CLI, "listen", "--json", "--profile", join(dir, "eve"), "--server", hub.url],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let printed = "";
      listener.stdout.on("data", (d: Buffer) => (printed += d.toString()));
      const exited = new Promise<number | null>((resolve) => listener.once("exit", (code) => resolve(code)));
      const lock = join(dir, "eve", "lock");
      for (let i = 0; i < 600 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
      // The listener may still be logging in: typing is for online devices only, so say it again until seen.
      const typingLines = () => jsonLines(printed).filter((o) => o.kind === "typing");
      for (let i = 0; i < 40 && typingLines().length === 0; i++) {
        expect(await sb("dan", "typing", sent.conversation)).toBe("typing sent\n");
        for (let j = 0; j < 10 && typingLines().length === 0; j++)
          await new Promise((r) => setTimeout(r, 100));
      }
      listener.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(typingLines()[0]).toMatchObject({
        kind: "typing",
        conversation: sent.conversation,
        from: "dan@instagram",
        expiresAt: expect.any(String),
      });
      // Nothing of it was stored: a later sync prints nothing new.
      expect(jsonLines(await sb("eve", "sync", "--json")).filter((o) => o.kind !== "receipt")).toEqual([]);
      expect((await sbFails("dan", "typing", "f".repeat(32))).stderr).toMatch(/^switchboard: .*\n$/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
