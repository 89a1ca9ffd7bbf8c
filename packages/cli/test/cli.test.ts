/**
 * The README walk-through, end to end: real hub process, real CLI processes,
 * one profile directory per device.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, jsonLines } from "./cliRunner.js";
import { PROCESS_TEST_TIMEOUT_MS, CLI, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-"));
let hub: HubProcess;

const { sb, sbFails } = cliRunner(dir, () => hub.url);

beforeAll(async () => {
  hub = await spawnHub(await freePort(), join(dir, "hub.db"));
});

afterAll(async () => {
  await hub.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

/** What sync printed besides receipts (test/status.test.ts checks those). */
const messagesOnly = (lines: Record<string, unknown>[]) => lines.filter((o) => o.kind !== "receipt");

describe("switchboard CLI", () => {
  it(
    "registers on two apps, messages across them, and makes a group",
    async () => {
      expect(await sb("alice", "register", "Alice@Example.com@messenger", "--name", "Alice")).toMatch(
        /registered alice@example\.com@messenger/,
      );
      expect(await sb("bob", "register", "+1 415 555 0100@whatsapp", "--name", "Bob")).toMatch(
        /registered \+14155550100@whatsapp/,
      );
      expect(await sb("carol", "register", "carol@instagram")).toMatch(/registered carol@instagram/);

      await sb("alice", "send", "+14155550100@whatsapp", "hi bob");
      const bobSync = jsonLines(await sb("bob", "sync", "--json"));
      expect(bobSync).toHaveLength(1);
      expect(bobSync[0]).toMatchObject({ from: "alice@example.com@messenger", text: "hi bob" });
      expect(typeof bobSync[0]!.conversation).toBe("string");
      expect(typeof bobSync[0]!.id).toBe("string");
      expect(Number.isNaN(Date.parse(String(bobSync[0]!.sentAt)))).toBe(false);
      // sync prints only what is new.
      expect(jsonLines(await sb("bob", "sync", "--json"))).toHaveLength(0);

      await sb("bob", "send", "alice@example.com@messenger", "hi alice");
      // Bob's sync sent a delivered receipt for "hi bob": sync prints it too (SPEC RS).
      const aliceSync = messagesOnly(jsonLines(await sb("alice", "sync", "--json")));
      expect(aliceSync.map((m) => m.text)).toEqual(["hi alice"]);
      expect(aliceSync[0]!.conversation).toBe(bobSync[0]!.conversation);

      const group = (
        await sb("alice", "group", "create", "Weekend", "+14155550100@whatsapp", "carol@instagram")
      ).trim();
      expect(group).toMatch(/^[0-9a-f]{32}$/);
      await sb("alice", "send", group, "saturday?");
      const carolSync = jsonLines(await sb("carol", "sync", "--json"));
      expect(carolSync.map((m) => [m.conversation, m.text])).toEqual([[group, "saturday?"]]);
      const conversations = jsonLines(await sb("carol", "conversations", "--json"));
      expect(conversations).toEqual([
        expect.objectContaining({ id: group, kind: "group", title: "Weekend" }),
      ]);

      await sb("alice", "group", "remove", group, "carol@instagram");
      await sb("alice", "send", group, "carol is gone");
      // [GR5] carol sees that she was removed, and nothing else.
      expect(jsonLines(await sb("carol", "sync", "--json"))).toEqual([
        expect.objectContaining({ kind: "member-removed", member: "carol@instagram" }),
      ]);
      const bobAfter = jsonLines(await sb("bob", "sync", "--json"));
      expect(bobAfter.filter((m) => m.kind === "message").map((m) => m.text)).toEqual([
        "saturday?",
        "carol is gone",
      ]);
      expect(bobAfter.filter((m) => m.kind === "member-removed")).toEqual([
        expect.objectContaining({ by: "alice@example.com@messenger", member: "carol@instagram" }),
      ]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "listen prints messages as they arrive, and holds its profile until stopped",
    async () => {
      await sb("erin", "register", "erin@instagram");
      await sb("frank", "register", "frank@instagram");
      const listener = spawn(
        process.execPath,
        [CLI, "listen", "--json", "--profile", join(dir, "erin"), "--server", hub.url],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let printed = "";
      listener.stdout.on("data", (d: Buffer) => (printed += d.toString()));
      const exited = new Promise<number | null>((resolve) => listener.once("exit", (code) => resolve(code)));
      // listen locks its profile as it opens it; wait for the lock file, then send
      // (a message sent before listen connects is printed by its first sync).
      const lock = join(dir, "erin", "lock");
      for (let i = 0; i < 600 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
      expect((await sbFails("erin", "sync")).stderr).toMatch(/PROFILE_IN_USE/);
      await sb("frank", "send", "erin@instagram", "live message");
      for (let i = 0; i < 200 && !printed.includes("live message"); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(jsonLines(printed)).toEqual([
        expect.objectContaining({ from: "frank@instagram", text: "live message" }),
      ]);
      listener.kill("SIGINT");
      expect(await exited).toBe(0);
      // Released: the profile opens again, and nothing is printed twice.
      expect(jsonLines(await sb("erin", "sync", "--json"))).toHaveLength(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "links a second device with a code, lists the devices and revokes one",
    async () => {
      await sb("gina", "register", "gina@instagram");
      await sb("hal", "register", "hal@instagram");
      await sb("hal", "send", "gina@instagram", "before the laptop");
      await sb("gina", "sync");
      const linker = spawn(
        process.execPath,
        [CLI, "link", "--name", "laptop", "--profile", join(dir, "gina-laptop"), "--server", hub.url],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let printed = "";
      let errors = "";
      linker.stdout.on("data", (d: Buffer) => (printed += d.toString()));
      linker.stderr.on("data", (d: Buffer) => (errors += d.toString()));
      const exited = new Promise<number | null>((resolve) => linker.once("exit", (code) => resolve(code)));
      for (let i = 0; i < 600 && !/link code: /.test(printed); i++)
        await new Promise((r) => setTimeout(r, 100));
      const code = /link code: ([A-Z2-7]{5}-[A-Z2-7]{5})/.exec(printed)?.[1];
      expect(code, `link printed: ${printed} ${errors}`).toBeDefined();
      expect(printed).toMatch(/QR data: switchboard-link:v1:/);

      const wrong = await sbFails("gina", "devices", "approve", "AAAAA-BBBBB");
      expect(wrong.stderr).toMatch(/NOT_FOUND/);
      expect(await sb("gina", "devices", "approve", code!)).toMatch(
        /approved laptop .*added to 1 conversations, sent 1 messages of history/,
      );
      expect(await exited).toBe(0);
      expect(printed).toMatch(/linked: gina@instagram/);
      expect(printed).toMatch(/history: 1 messages in 1 conversations/);

      await sb("hal", "send", "gina@instagram", "to both devices");
      const onLaptop = jsonLines(await sb("gina-laptop", "sync", "--json")).map((m) => m.text);
      expect(onLaptop).toContain("to both devices");

      const listed = jsonLines(await sb("gina", "devices", "--json"));
      expect(listed.map((d) => d.name)).toEqual(["", "laptop"]);
      const laptopId = String(listed[1]!.id);
      expect(await sb("gina", "devices", "revoke", laptopId)).toMatch(
        /revoked .*removed from 1 conversations/,
      );
      expect(jsonLines(await sb("gina", "devices", "--json"))).toHaveLength(1);
      expect((await sbFails("gina-laptop", "sync")).stderr).toMatch(/DEVICE_REVOKED/);
      const last = await sbFails("gina", "devices", "revoke", String(listed[0]!.id));
      expect(last.stderr).toMatch(/LAST_DEVICE/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "reports errors as one line on stderr with a non-zero exit code",
    async () => {
      const unknownApp = await sbFails("alice", "send", "someone@myspace", "hello");
      expect(unknownApp.code).not.toBe(0);
      expect(unknownApp.stderr.trim().split("\n")).toHaveLength(1);
      expect(unknownApp.stderr).toMatch(/UNKNOWN_APP/);
      const unregistered = await sbFails("nobody", "sync");
      expect(unregistered.code).not.toBe(0);
      expect(unregistered.stderr).toMatch(/register/);
      const taken = await sbFails("dave", "register", "carol@instagram");
      expect(taken.stderr).toMatch(/ALREADY_EXISTS/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
