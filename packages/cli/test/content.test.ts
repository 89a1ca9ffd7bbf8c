/**
 * The CLI contract for messages and changes to them (packages/cli/README.md):
 * real hub process, real CLI processes, three apps. send/reply/react/edit/
 * delete print the new message's id (--json: {"conversation","id","seq"});
 * sync and history --json print one object per line with a `kind`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, jsonLines } from "./cliRunner.js";
import { PROCESS_TEST_TIMEOUT_MS, CLI, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-content-"));
let hub: HubProcess;

const { sb, sbFails } = cliRunner(dir, () => hub.url);

/** Lines besides receipts, which every sync now prints too (test/status.test.ts checks those). */
const withoutReceipts = (out: string) => jsonLines(out).filter((o) => o.kind !== "receipt");

const ID = /^01[0-9a-f]{62}$/;

beforeAll(async () => {
  hub = await spawnHub(await freePort(), join(dir, "hub.db"));
});
afterAll(async () => {
  await hub.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("switchboard CLI: replies, reactions, edits, deletes, history", () => {
  it(
    "[CT3]-[CT7] every command that creates a message prints its id; sync and history --json print kinds",
    async () => {
      await sb("alice", "register", "alice@example.com@messenger");
      await sb("bob", "register", "+14155550100@whatsapp");
      await sb("carol", "register", "carol@instagram");
      const group = (
        await sb("alice", "group", "create", "Trip", "+14155550100@whatsapp", "carol@instagram")
      ).trim();

      const sent = JSON.parse(await sb("alice", "send", group, "hello", "--json")) as Record<string, unknown>;
      expect(Object.keys(sent).sort()).toEqual(["conversation", "id", "seq"]);
      expect(sent).toMatchObject({ conversation: group, id: expect.stringMatching(ID) });
      expect(typeof sent.seq).toBe("number");
      const hello = String(sent.id);
      expect((await sb("alice", "send", group, "second")).trim()).toMatch(ID);
      expect((await sbFails("alice", "send", group, "")).stderr).toMatch(/needs some text/);

      const bobSync = withoutReceipts(await sb("bob", "sync", "--json"));
      expect(bobSync).toEqual([
        expect.objectContaining({
          kind: "message",
          conversation: group,
          id: hello,
          from: "alice@example.com@messenger",
          fromName: "alice@example.com@messenger",
          text: "hello",
          replyTo: null,
          edited: false,
          expiresAt: null,
        }),
        expect.objectContaining({ kind: "message", text: "second" }),
      ]);

      const reply = JSON.parse(await sb("bob", "reply", group, hello, "hi alice", "--json")) as Record<
        string,
        unknown
      >;
      expect(reply).toMatchObject({ conversation: group, id: expect.stringMatching(ID) });
      expect((await sb("bob", "react", group, hello, "👍")).trim()).toMatch(ID);
      expect((await sb("alice", "edit", group, hello, "hello, all")).trim()).toMatch(ID);
      expect((await sbFails("bob", "edit", group, hello, "not mine")).stderr).toMatch(/NOT_SENDER/);

      const carolSync = withoutReceipts(await sb("carol", "sync", "--json"));
      expect(carolSync.map((o) => o.kind)).toEqual(["message", "message", "message", "reaction", "edit"]);
      expect(carolSync[0]).toMatchObject({ id: hello, text: "hello, all", edited: true });
      expect(carolSync[2]).toMatchObject({ text: "hi alice", replyTo: hello, from: "+14155550100@whatsapp" });
      expect(carolSync[3]).toMatchObject({
        kind: "reaction",
        messageId: hello,
        emoji: "👍",
        conversation: group,
      });
      expect(carolSync[4]).toMatchObject({ kind: "edit", messageId: hello, text: "hello, all" });

      // Alice's edit command applied Bob's reply and reaction; her sync still prints them, once.
      expect((await sb("bob", "react", group, hello, "--remove")).trim()).toMatch(ID);
      const aliceSync = withoutReceipts(await sb("alice", "sync", "--json"));
      expect(aliceSync.map((o) => [o.kind, "emoji" in o ? o.emoji : o.text])).toEqual([
        ["message", "hi alice"],
        ["reaction", "👍"],
        ["reaction", null],
      ]);
      expect(withoutReceipts(await sb("alice", "sync", "--json"))).toEqual([]);

      const deleted = JSON.parse(await sb("alice", "delete", group, hello, "--json")) as Record<
        string,
        unknown
      >;
      expect(deleted).toMatchObject({ conversation: group, id: expect.stringMatching(ID) });
      const carolAgain = withoutReceipts(await sb("carol", "sync", "--json"));
      expect(carolAgain).toEqual([
        expect.objectContaining({ kind: "reaction", messageId: hello, emoji: null, removed: true }),
        expect.objectContaining({ kind: "delete", messageId: hello, from: "alice@example.com@messenger" }),
      ]);

      const history = withoutReceipts(await sb("carol", "history", group, "--json"));
      expect(history.map((o) => [o.kind, o.text])).toEqual([
        ["message", ""],
        ["message", "second"],
        ["message", "hi alice"],
      ]);
      expect(history[0]).toMatchObject({ id: hello, deleted: true });
      expect(withoutReceipts(await sb("carol", "history", group, "--json", "--limit", "1"))).toEqual([
        expect.objectContaining({ text: "hi alice", replyTo: hello }),
      ]);
      expect(await sb("carol", "history", group)).toMatch(/\(deleted\)/);

      await sb("carol", "delete", group, String(reply.id), "--for-me");
      expect(withoutReceipts(await sb("carol", "history", group, "--json")).map((o) => o.text)).toEqual([
        "",
        "second",
      ]);
      expect(withoutReceipts(await sb("bob", "history", group, "--json")).map((o) => o.text)).toContain(
        "hi alice",
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "listen --json prints reactions, edits and deletes as they arrive, each with its kind",
    async () => {
      await sb("ivy", "register", "ivy@instagram");
      await sb("jon", "register", "+14155550111@whatsapp");
      const sent = JSON.parse(await sb("jon", "send", "ivy@instagram", "first", "--json")) as Record<
        string,
        unknown
      >;
      const conversation = String(sent.conversation);
      const id = String(sent.id);
      await sb("ivy", "sync");
      const listener = spawn(
        process.execPath,
        [CLI, "listen", "--json", "--profile", join(dir, "jon"), "--server", hub.url],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let printed = "";
      listener.stdout.on("data", (d: Buffer) => (printed += d.toString()));
      const exited = new Promise<number | null>((resolve) => listener.once("exit", (code) => resolve(code)));
      const lock = join(dir, "jon", "lock");
      for (let i = 0; i < 600 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
      await sb("ivy", "react", conversation, id, "🎉");
      await sb("ivy", "reply", conversation, id, "second");
      const until = async (n: number) => {
        for (let i = 0; i < 300 && withoutReceipts(printed).length < n; i++)
          await new Promise((r) => setTimeout(r, 100));
      };
      await until(2);
      listener.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(withoutReceipts(printed)).toEqual([
        expect.objectContaining({
          kind: "reaction",
          conversation,
          messageId: id,
          emoji: "🎉",
          from: "ivy@instagram",
        }),
        expect.objectContaining({ kind: "message", text: "second", replyTo: id, fromName: "ivy@instagram" }),
      ]);
      // Printed once: a later sync has nothing more.
      expect(withoutReceipts(await sb("jon", "sync", "--json"))).toEqual([]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
