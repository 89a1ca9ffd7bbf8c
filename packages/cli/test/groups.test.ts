/**
 * The CLI contract for groups (SPEC GR, packages/cli/README.md): real hub
 * process, real CLI processes, three apps. `group admin`, `group rename`,
 * `group leave`; a non-admin is refused in one line; `sync --json` and
 * `history --json` print membership events with their kinds; a removed
 * member's send fails typed, leaves nothing queued, and its later `listen`
 * and `sync` go on (they used to hang).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, jsonLines } from "./cliRunner.js";
import { CLI, PROCESS_TEST_TIMEOUT_MS, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-groups-"));
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

describe("switchboard CLI: groups", () => {
  it(
    "[GR2] [GR4] [GR5] [GR6] admin, rename, remove, leave; events in sync and history; a removed member's send fails and sync returns",
    async () => {
      await sb("alice", "register", ALICE);
      await sb("bob", "register", BOB);
      await sb("carol", "register", CAROL);
      const group = (await sb("alice", "group", "create", "Trip", BOB, CAROL)).trim();
      await sb("bob", "sync");
      await sb("carol", "sync");

      // [GR2] one clear line for a non-admin.
      const refused = await sbFails("bob", "group", "rename", group, "Mine");
      expect(refused.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^switchboard: NOT_ADMIN: /)]);

      expect((await sb("alice", "group", "admin", group, BOB)).trim()).toBe(`${BOB} is an admin`);
      await sb("bob", "sync");
      expect((await sb("bob", "group", "rename", group, "Summer trip")).trim()).toBe(
        'renamed to "Summer trip"',
      );
      const info = JSON.parse(await sb("carol", "group", "info", group, "--json")) as Record<string, unknown>;
      expect(info).toMatchObject({ title: "Trip", admins: [ALICE] }); // carol has not synced yet

      const carolSync = jsonLines(await sb("carol", "sync", "--json"));
      expect(carolSync).toEqual([
        expect.objectContaining({
          kind: "admin",
          conversation: group,
          by: ALICE,
          member: BOB,
          address: BOB,
          admin: true,
        }),
        expect.objectContaining({ kind: "renamed", conversation: group, by: BOB, title: "Summer trip" }),
      ]);
      expect(typeof carolSync[0]!.seq).toBe("number");
      expect(typeof carolSync[0]!.at).toBe("string");

      // [GR5] carol is removed while away; her send fails in one line, and sync returns.
      await sb("alice", "group", "remove", group, CAROL);
      const failed = await sbFails("carol", "send", group, "still here?");
      expect(failed.stderr.trim().split("\n")).toEqual([expect.stringMatching(/NOT_A_MEMBER/)]);
      // listen prints it and keeps listening (it used to hang on the queued send); Ctrl-C ends it.
      const listener = spawn(
        process.execPath,
        [CLI, "listen", "--json", "--profile", join(dir, "carol"), "--server", hub.url],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let printed = "";
      listener.stdout.on("data", (d: Buffer) => (printed += d.toString()));
      const exited = new Promise<number | null>((resolve) => listener.once("exit", (code) => resolve(code)));
      for (let i = 0; i < 600 && !printed.includes("member-removed"); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(jsonLines(printed)).toEqual([
        expect.objectContaining({ kind: "member-removed", member: CAROL }),
      ]);
      listener.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(await sb("carol", "sync", "--json")).toBe("");

      // [GR6] bob leaves; alice's next command commits it and her sync shows it.
      expect((await sb("bob", "group", "leave", group)).trim()).toBe(`left ${group}`);
      expect((await sbFails("bob", "send", group, "bye")).stderr).toMatch(/NOT_A_MEMBER/);
      await sb("alice", "send", group, "just me now");
      const aliceSync = jsonLines(await sb("alice", "sync", "--json"));
      // Bob's rename and his leave are news to alice; her own commits are not.
      expect(aliceSync).toEqual([
        expect.objectContaining({ kind: "renamed", by: BOB, title: "Summer trip" }),
        expect.objectContaining({ kind: "member-left", by: BOB, member: BOB }),
      ]);
      const history = jsonLines(await sb("alice", "history", group, "--json"));
      const kinds = history.map((o) => [o.kind, o.member].filter((v) => typeof v === "string").join(" "));
      expect(kinds).toEqual([
        `member-added ${BOB}`,
        `member-added ${CAROL}`,
        `admin ${BOB}`,
        "renamed",
        `member-removed ${CAROL}`,
        `member-left ${BOB}`,
        "message",
      ]);
      const conversations = jsonLines(await sb("alice", "conversations", "--json"));
      expect(conversations[0]).toMatchObject({ title: "Summer trip", participants: [ALICE] });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
