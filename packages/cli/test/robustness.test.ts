/**
 * [CL1]-[CL4] The CLI as a new user meets it when something is off: a server
 * URL without a scheme, a flag that must win over the profile, a hub that is
 * down or restarts, a register that fails, an empty message. Real processes:
 * a `switchboard serve` and the `switchboard` command.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "../../client/test/scenario/harness.js";
import { CLI, PROCESS_TEST_TIMEOUT_MS, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-robust-"));
let hub: HubProcess | undefined;
let port = 0;
const db = join(dir, "hub.db");

/** A short wait for the hub, so the down-hub cases are quick; the bound that matters is execFile's timeout. */
const CONNECT_TIMEOUT_MS = "2000";

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `switchboard args` as `profile`, with no --server unless args give one. */
function cli(profile: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args, "--profile", join(dir, profile)],
      {
        timeout: 60_000,
        env: { ...withoutServerEnv(), SWITCHBOARD_CONNECT_TIMEOUT_MS: CONNECT_TIMEOUT_MS, ...env },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function withoutServerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["SWITCHBOARD_SERVER"];
  return env;
}

/** One line on stderr, a non-zero exit, and the line matches. */
function expectOneLineFailure(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code).not.toBe(0);
  expect(outcome.stderr.trim().split("\n")).toHaveLength(1);
  expect(outcome.stderr).toMatch(pattern);
}

afterAll(async () => {
  await hub?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("the CLI when something is off", () => {
  it(
    "[CL1] [CL3] [CL4] a URL without a scheme is refused; a failed register leaves no profile; an empty message is refused",
    async () => {
      port = await freePort();
      hub = await spawnHub(port, db);
      const noScheme = await cli("alice", ["register", "alice@instagram", "--server", `127.0.0.1:${port}`]);
      expectOneLineFailure(
        noScheme,
        /"127\.0\.0\.1:\d+" is not an http:\/\/ or https:\/\/ URL; did you mean http:/,
      );
      const fromEnv = await cli("alice", ["register", "alice@instagram"], {
        SWITCHBOARD_SERVER: `localhost:${port}`,
      });
      expectOneLineFailure(fromEnv, /SWITCHBOARD_SERVER "localhost:\d+" is not an http/);

      // The hub refuses (no such app): nothing of the profile is left behind.
      const refused = await cli("alice", ["register", "alice@nosuchapp", "--server", hub.url]);
      expectOneLineFailure(refused, /UNKNOWN_APP/);
      expect(existsSync(join(dir, "alice"))).toBe(false);
      // No hub at all: the same.
      const dead = `http://127.0.0.1:${await freePort()}`;
      expect((await cli("alice", ["register", "alice@instagram", "--server", dead])).code).not.toBe(0);
      expect(existsSync(join(dir, "alice"))).toBe(false);

      // So the next attempt simply works.
      expect((await cli("alice", ["register", "alice@instagram", "--server", hub.url])).stdout).toMatch(
        /registered alice@instagram/,
      );
      expect((await cli("bob", ["register", "bob@instagram", "--server", hub.url])).code).toBe(0);
      expectOneLineFailure(await cli("alice", ["send", "bob@instagram", "   "]), /needs some text/);
      expect((await cli("alice", ["send", "bob@instagram", "hi"])).code).toBe(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[CL1] [CL2] --server and SWITCHBOARD_SERVER win over the profile's hub for that command; a hub that is not there is said so",
    async () => {
      const dead = `http://127.0.0.1:${await freePort()}`;
      // alice's profile names the live hub; the flag sends this command elsewhere.
      const byFlag = await cli("alice", ["send", "bob@instagram", "lost", "--server", dead]);
      expectOneLineFailure(byFlag, new RegExp(`HUB_UNREACHABLE: hub unreachable at ${dead}`));
      const byEnv = await cli("alice", ["sync"], { SWITCHBOARD_SERVER: dead });
      expectOneLineFailure(byEnv, new RegExp(`hub unreachable at ${dead}`));
      // Without either, the profile's own hub, which is up.
      expect((await cli("bob", ["sync"])).stdout).toMatch(/hi/);
      expect((await cli("bob", ["sync", "--server", hub!.url])).code).toBe(0);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[CL2] with the hub down, send, sync and devices exit non-zero with one line naming the hub",
    async () => {
      await hub!.kill("SIGKILL");
      const url = `http://127.0.0.1:${port}`;
      const unreachable = new RegExp(`hub unreachable at ${url.replace(/\./g, "\\.")}`);
      // One command per profile at a time (a profile is locked while in use).
      const [send, sync] = await Promise.all([
        cli("alice", ["send", "bob@instagram", "while down"]),
        cli("bob", ["sync"]),
      ]);
      const devices = await cli("alice", ["devices"]);
      expectOneLineFailure(send, unreachable);
      expectOneLineFailure(sync, unreachable);
      expectOneLineFailure(devices, unreachable);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[CL2] listen says connected, then reconnecting when the hub goes, then connected again when it is back",
    async () => {
      hub = await spawnHub(port, db);
      const listener = spawn(process.execPath, [CLI, "listen", "--profile", join(dir, "bob")], {
        stdio: ["ignore", "pipe", "pipe"],
        env: withoutServerEnv(),
      });
      let stderr = "";
      let stdout = "";
      listener.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      listener.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      try {
        await eventually(() => /switchboard: connected\n/.test(stderr), "listen to connect", 60_000);
        await hub.kill("SIGKILL");
        await eventually(() => /connection lost.*; reconnecting/.test(stderr), "listen to notice", 60_000);
        hub = await spawnHub(port, db);
        await eventually(() => /connected again/.test(stderr), "listen to reconnect", 60_000);
        // And it still delivers.
        expect((await cli("alice", ["send", "bob@instagram", "after the restart"])).code).toBe(0);
        await eventually(() => stdout.includes("after the restart"), "the message after the restart", 60_000);
        expect(stderr.match(/reconnecting/g)).toHaveLength(1);
      } finally {
        listener.kill("SIGTERM");
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
