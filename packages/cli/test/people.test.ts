/**
 * The CLI contract for people (packages/cli/README.md, SPEC PP): names,
 * message requests, blocking and the closed-app answer, with a real hub
 * process and real CLI processes on three apps: messenger (open), instagram
 * (takes message requests), whatsapp (closed to other apps).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, jsonLines } from "./cliRunner.js";
import { PROCESS_TEST_TIMEOUT_MS, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-people-"));
let hub: HubProcess;
const { sb, sbFails } = cliRunner(dir, () => hub.url);

const ALICE = "alice@example.com@messenger";
const CAROL = "carol@instagram";
const DAVE = "+14155550199@whatsapp";

beforeAll(async () => {
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      apps: [
        { id: "messenger", displayName: "Messenger", identity: "email", reach: "open" },
        { id: "instagram", displayName: "Instagram", identity: "username", reach: "requests" },
        { id: "whatsapp", displayName: "WhatsApp", identity: "phone", reach: "closed" },
      ],
    }),
  );
  hub = await spawnHub(await freePort(), join(dir, "hub.db"), { config });
});
afterAll(async () => {
  await hub.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("switchboard CLI: names, requests, blocking", () => {
  it(
    "[PP1] messaging a closed app says so in one line",
    async () => {
      await sb("alice", "register", ALICE, "--name", "Alice");
      await sb("dave", "register", DAVE, "--name", "Dave");
      const failed = await sbFails("alice", "send", "+1 415 555 0100@whatsapp", "hi");
      expect(failed.stderr.trim().split("\n")).toEqual([
        "switchboard: POLICY_DENIED: WhatsApp does not accept messages from other apps",
      ]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[PP2] [PP3] [PP4] a stranger's first message is a request; accepted, names show both ways",
    async () => {
      await sb("carol", "register", CAROL, "--name", "Carol");
      const sent = JSON.parse(await sb("alice", "send", CAROL, "hello carol", "--json")) as {
        conversation: string;
      };
      const conversation = sent.conversation;

      const synced = jsonLines(await sb("carol", "sync", "--json"));
      expect(synced).toEqual([
        {
          kind: "request",
          conversation,
          from: ALICE,
          fromName: "Alice",
          preview: "hello carol",
          at: expect.any(String) as string,
        },
      ]);
      // Not among the chats until accepted.
      expect(jsonLines(await sb("carol", "conversations", "--json"))).toEqual([]);
      expect(jsonLines(await sb("carol", "requests", "--json"))).toEqual(synced);
      expect((await sb("carol", "requests")).trim()).toBe(
        `request from Alice (${ALICE}): hello carol  [switchboard requests accept|decline ${conversation}]`,
      );

      expect((await sb("carol", "requests", "accept", conversation)).trim()).toBe(`accepted ${conversation}`);
      expect(jsonLines(await sb("carol", "requests", "--json"))).toEqual([]);
      expect(jsonLines(await sb("carol", "conversations", "--json")).map((c) => c.id)).toEqual([
        conversation,
      ]);
      expect((await sbFails("carol", "requests", "accept", conversation)).stderr).toMatch(
        /NOT_A_REQUEST: .* is not a pending message request/,
      );

      await sb("carol", "send", conversation, "hi alice");
      const aliceSync = jsonLines(await sb("alice", "sync", "--json"));
      expect(aliceSync).toEqual([
        expect.objectContaining({ kind: "message", from: CAROL, fromName: "Carol", text: "hi alice" }),
      ]);
      const [direct] = jsonLines(await sb("alice", "conversations", "--json"));
      expect(direct).toMatchObject({ id: conversation, peer: CAROL, peerName: "Carol" });

      // A new name reaches everyone in every conversation.
      expect((await sb("alice", "profile", "name")).trim()).toBe("Alice");
      expect((await sb("alice", "profile", "name", "Alice L.")).trim()).toBe(
        "name set to Alice L. (shared in 1 conversations)",
      );
      expect((await sbFails("alice", "profile", "name", "evil\u202Eman")).stderr).toMatch(
        /INVALID_ARGUMENT: display name: a name may not contain control or bidi characters/,
      );
      await sb("alice", "send", conversation, "new name");
      await sb("carol", "sync");
      const history = jsonLines(await sb("carol", "history", conversation, "--json"));
      expect(history.filter((m) => m.kind === "message" && m.from === ALICE).map((m) => m.fromName)).toEqual([
        "Alice L.",
        "Alice L.",
      ]);
      // People read as the names they shared in search, quotes and reactions too.
      expect((await sb("carol", "search", "new name")).trim()).toMatch(/Alice L\.: new name {2}#/);
      const newest = history.filter((m) => m.kind === "message").at(-1)!;
      await sb("carol", "reply", conversation, String(newest.id), "nice name");
      await sb("carol", "react", conversation, String(newest.id), "🎉");
      const shown = (await sb("carol", "history", conversation)).split("\n");
      expect(shown).toContain("  ┌ Alice L.: new name");
      expect(shown).toContain("  🎉 Carol");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[PP4] [PP6] [PP7] decline --block: gone for the recipient, dropped at the hub, the sender is not told",
    async () => {
      const sent = JSON.parse(await sb("dave", "send", CAROL, "buy my stuff", "--json")) as {
        conversation: string;
      };
      const [request] = jsonLines(await sb("carol", "sync", "--json"));
      expect(request).toMatchObject({
        kind: "request",
        from: DAVE,
        fromName: "Dave",
        preview: "buy my stuff",
      });
      expect((await sb("carol", "requests", "decline", sent.conversation, "--block")).trim()).toBe(
        `declined ${sent.conversation} and blocked its sender`,
      );
      expect((await sb("carol", "blocked")).trim()).toBe(DAVE);
      expect(jsonLines(await sb("carol", "blocked", "--json"))).toEqual([
        { address: DAVE, blockedAt: expect.any(String) as string },
      ]);
      expect(jsonLines(await sb("carol", "requests", "--json"))).toEqual([]);

      // Dave sees his message taken; carol never gets it.
      const again = JSON.parse(await sb("dave", "send", sent.conversation, "hello??", "--json")) as {
        seq: number;
      };
      expect(again.seq).toBe(0);
      expect(jsonLines(await sb("carol", "sync", "--json"))).toEqual([]);

      expect((await sb("carol", "unblock", "+1 (415) 555-0199@whatsapp")).trim()).toBe(`unblocked ${DAVE}`);
      expect((await sb("carol", "blocked")).trim()).toBe("");
      expect((await sbFails("carol", "block", CAROL)).stderr).toMatch(
        /INVALID_ARGUMENT: you cannot block yourself/,
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
