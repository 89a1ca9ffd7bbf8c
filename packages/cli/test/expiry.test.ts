/**
 * The CLI contract for disappearing messages and search (packages/cli/README.md,
 * SPEC XP): real hub process, real CLI processes, three apps. `timer` sets the
 * conversation's timer by a commit; sync --json prints a `timer` line and
 * messages with `expiresAt`; `search` finds this device's own messages.
 * (Expiry itself, by an injected clock, is in the client's scenario test.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, jsonLines } from "./cliRunner.js";
import { PROCESS_TEST_TIMEOUT_MS, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-expiry-"));
let hub: HubProcess;

const { sb, sbFails } = cliRunner(dir, () => hub.url);

beforeAll(async () => {
  hub = await spawnHub(await freePort(), join(dir, "hub.db"));
});
afterAll(async () => {
  await hub.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("switchboard CLI: disappearing messages and search", () => {
  it(
    "[XP2][XP3][XP4][XP8] timer sets the timer for everyone; sync prints it and expiresAt; search finds own messages",
    async () => {
      await sb("alice", "register", "alice@instagram");
      await sb("bob", "register", "+14155550100@whatsapp");
      await sb("carol", "register", "carol@example.com@messenger");
      const group = (
        await sb("alice", "group", "create", "Trip", "+14155550100@whatsapp", "carol@example.com@messenger")
      ).trim();

      const set = JSON.parse(await sb("alice", "timer", group, "5m", "--json")) as Record<string, unknown>;
      expect(set).toEqual({ conversation: group, timer: "5m", seconds: 300, seq: expect.any(Number) });
      expect((await sb("alice", "timer", group, "5m")).trim()).toBe("the timer was already 5m");
      const bad = await sbFails("alice", "timer", group, "2m");
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toMatch(/off, 5m, 1h, 1d, 7d or 90d/);

      const sent = JSON.parse(await sb("alice", "send", group, "meet by the zebra crossing", "--json")) as {
        id: string;
      };
      const bobSync = jsonLines(await sb("bob", "sync", "--json"));
      expect(bobSync.map((l) => l.kind)).toEqual(["timer", "message"]);
      expect(bobSync[0]).toEqual({
        kind: "timer",
        conversation: group,
        by: "alice@instagram",
        byName: "alice@instagram",
        seconds: 300,
        timer: "5m",
        at: expect.any(String),
        seq: set.seq,
      });
      const message = bobSync[1]!;
      expect(message).toMatchObject({ id: sent.id, text: "meet by the zebra crossing" });
      expect(Date.parse(String(message.expiresAt)) - Date.parse(String(message.sentAt))).toBe(300_000);

      for (const profile of ["alice", "bob"]) {
        const found = jsonLines(await sb(profile, "search", "ZEBRA cross", "--json"));
        expect(found.map((l) => [l.kind, l.id])).toEqual([["message", sent.id]]);
      }
      expect(await sb("bob", "search", "giraffe")).toBe("");
      expect((await sb("bob", "search", "zebra")).trim()).toMatch(
        /alice@instagram: meet by the zebra crossing {2}#/,
      );

      // [GR2] only admins change the timer: carol is refused until alice makes her one.
      const notAdmin = await sbFails("carol", "timer", group, "off");
      expect(notAdmin.stderr.trim()).toMatch(/^switchboard: NOT_ADMIN: /);
      await sb("alice", "group", "admin", group, "carol@example.com@messenger");
      await sb("carol", "timer", group, "off");
      await sb("alice", "send", group, "this one stays");
      const again = jsonLines(await sb("bob", "sync", "--json")).filter((l) => l.kind !== "admin");
      expect(again.map((l) => [l.kind, l.kind === "timer" ? l.timer : l.expiresAt])).toEqual([
        ["timer", "off"],
        ["message", null],
      ]);
      expect(again[0]).toMatchObject({ by: "carol@example.com@messenger", seconds: null });

      // history --json keeps the timer changes in log order among the messages, on every member.
      for (const profile of ["alice", "bob"]) {
        const history = jsonLines(await sb(profile, "history", group, "--json")).filter(
          (l) => l.kind === "timer" || l.kind === "message",
        );
        expect(history.map((l) => (l.kind === "timer" ? `timer ${String(l.timer)}` : l.text))).toEqual([
          "timer 5m",
          "meet by the zebra crossing",
          "timer off",
          "this one stays",
        ]);
      }
      expect(await sb("bob", "history", group)).toMatch(
        /alice@instagram set disappearing messages to 5m\n.*meet by the zebra crossing/,
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
