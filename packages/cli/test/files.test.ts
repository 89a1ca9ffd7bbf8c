/**
 * Files from the command line (SPEC MD15), real hub and CLI processes:
 * `send --file` with a caption, `sync --json` shows the attachment,
 * `download` writes identical bytes, and an upload killed halfway resumes
 * (same blob at the hub) when the same command runs again.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliRunner, jsonLines } from "./cliRunner.js";
import { CLI, PROCESS_TEST_TIMEOUT_MS, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-files-"));
const blobs = join(dir, "blobs");
const run = promisify(execFile);
let hub: HubProcess;

const { sb, sbFails } = cliRunner(dir, () => hub.url);

beforeAll(async () => {
  hub = await spawnHub(await freePort(), join(dir, "hub.db"));
});
afterAll(async () => {
  await hub.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

const blobFiles = () => (existsSync(blobs) ? readdirSync(blobs).filter((f) => f.endsWith(".bin")) : []);

describe("switchboard CLI: files", () => {
  it(
    "[MD15] send --file with a caption; sync --json shows the attachment; download writes identical bytes",
    async () => {
      await sb("alice", "register", "+14155550100@whatsapp");
      await sb("bob", "register", "bob@instagram");
      const photo = join(dir, "beach.png");
      const bytes = randomBytes(300_000);
      writeFileSync(photo, bytes);

      const sent = JSON.parse(
        await sb("alice", "send", "bob@instagram", "--file", photo, "--caption", "the beach", "--json"),
      ) as { conversation: string; id: string; seq: number };
      expect(Object.keys(sent).sort()).toEqual(["conversation", "id", "seq"]);

      const [message] = jsonLines(await sb("bob", "sync", "--json"));
      expect(message).toMatchObject({
        kind: "message",
        id: sent.id,
        text: "the beach",
        attachments: [
          {
            name: "beach.png",
            type: "image/png",
            size: bytes.byteLength,
            id: expect.stringMatching(/^[0-9a-f]{32}$/),
          },
        ],
      });

      const out = join(dir, "bob-downloads");
      const written = JSON.parse(
        await sb("bob", "download", sent.conversation, sent.id, "--out", out, "--json"),
      ) as { path: string };
      expect(written.path).toBe(join(out, "beach.png"));
      expect(readFileSync(written.path).equals(bytes)).toBe(true);
      // A second download does not overwrite the first.
      expect((await sb("bob", "download", sent.conversation, sent.id, "--out", out)).trim()).toBe(
        join(out, "beach (1).png"),
      );

      // Deleted for everyone: the next sync removes the downloaded copies, and the file is gone.
      await sb("alice", "delete", sent.conversation, sent.id);
      await sb("bob", "sync");
      expect(existsSync(join(out, "beach.png"))).toBe(false);
      expect(existsSync(join(out, "beach (1).png"))).toBe(false);
      expect((await sbFails("bob", "download", sent.conversation, sent.id)).stderr).toMatch(
        /carries no file \(it was deleted\)/,
      );

      // A text has no file; an unknown message is one clear line.
      const text = JSON.parse(await sb("alice", "send", "bob@instagram", "hi", "--json")) as { id: string };
      await sb("bob", "sync");
      const noFile = await sbFails("bob", "download", sent.conversation, text.id);
      expect(noFile.stderr.trim().split("\n")).toHaveLength(1);
      expect(noFile.stderr).toMatch(/carries no file/);
      expect(
        (await sbFails("alice", "send", "bob@instagram", "--file", join(dir, "missing.bin"))).stderr,
      ).toMatch(/no file .*missing\.bin/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[MD15] send --file draws a progress bar on a terminal, and none with --json",
    async () => {
      const file = join(dir, "bar.bin");
      writeFileSync(file, randomBytes(300_000));
      // `script` runs the command on a pseudo-terminal, as a person's shell would.
      const onTerminal = (...args: string[]) =>
        run("script", [
          "-qec",
          [
            process.execPath,
            CLI,
            "send",
            "bob@instagram",
            "--file",
            file,
            ...args,
            "--profile",
            join(dir, "alice"),
            "--server",
            hub.url,
          ].join(" "),
          "/dev/null",
        ]);
      const drawn = (await onTerminal()).stdout;
      expect(drawn).toMatch(/uploading \[#+\] 100%/);
      const json = (await onTerminal("--json")).stdout;
      expect(json).not.toMatch(/uploading/);
      expect(JSON.parse(json.trim())).toMatchObject({ id: expect.any(String) });
      await sb("bob", "sync");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[MD15] listen --json reports a file as it arrives",
    async () => {
      const listener = spawn(
        process.execPath,
        [CLI, "listen", "--json", "--profile", join(dir, "bob"), "--server", hub.url],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let printed = "";
      listener.stdout.on("data", (d: Buffer) => (printed += d.toString()));
      const exited = new Promise<number | null>((resolve) => listener.once("exit", (code) => resolve(code)));
      const lock = join(dir, "bob", "lock");
      for (let i = 0; i < 600 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
      const doc = join(dir, "minutes.pdf");
      writeFileSync(doc, randomBytes(10_000));
      const sent = JSON.parse(await sb("alice", "send", "bob@instagram", "--file", doc, "--json")) as {
        id: string;
      };
      for (let i = 0; i < 300 && !printed.includes(sent.id); i++)
        await new Promise((r) => setTimeout(r, 100));
      listener.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(jsonLines(printed)).toContainEqual(
        expect.objectContaining({
          kind: "message",
          id: sent.id,
          text: "",
          attachments: [
            { name: "minutes.pdf", type: "application/pdf", size: 10_000, id: expect.any(String) },
          ],
        }),
      );
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[MD15] an upload killed halfway resumes when the command runs again, into the same blob",
    async () => {
      const video = join(dir, "clip.mp4");
      const bytes = randomBytes(24 * 1024 * 1024);
      writeFileSync(video, bytes);
      const before = new Set(blobFiles());

      // Small tus requests, so the upload is still under way when it is killed.
      const child = spawn(
        process.execPath,
        [CLI, "send", "bob@instagram", "--file", video, "--profile", join(dir, "alice"), "--server", hub.url],
        { stdio: "ignore", env: { ...process.env, SWITCHBOARD_UPLOAD_CHUNK_BYTES: String(256 * 1024) } },
      );
      const exited = new Promise((resolve) => child.once("exit", resolve));
      let partial: string | undefined;
      const deadline = Date.now() + 120_000;
      while (!partial && Date.now() < deadline) {
        partial = blobFiles().find((f) => !before.has(f) && statSync(join(blobs, f)).size >= 2 * 1024 * 1024);
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill("SIGKILL");
      await exited;
      expect(partial).toBeDefined();
      const heldAtKill = statSync(join(blobs, partial!)).size;
      expect(heldAtKill).toBeLessThan(bytes.byteLength);

      const sent = JSON.parse(await sb("alice", "send", "bob@instagram", "--file", video, "--json")) as {
        conversation: string;
        id: string;
      };
      const [message] = jsonLines(await sb("bob", "sync", "--json"));
      expect(message).toMatchObject({
        id: sent.id,
        attachments: [{ name: "clip.mp4", id: partial!.replace(/\.bin$/, "") }],
      });
      const written = (
        await sb("bob", "download", sent.conversation, sent.id, "--out", join(dir, "dl"))
      ).trim();
      expect(readFileSync(written).equals(bytes)).toBe(true);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
