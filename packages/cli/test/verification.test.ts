/**
 * `serve` wires each app's verifier from its config (SPEC CFG2, DIR9): a real
 * hub process whose "bank" app writes codes to the hub's log, and real CLI
 * processes that request a code and register with it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_TEST_TIMEOUT_MS, CLI, freePort, spawnHub, type HubProcess } from "./hubProcess.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "switchboard-cli-verify-"));
let hub: HubProcess;

async function sb(
  profile: string,
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [CLI, ...args, "--profile", join(dir, profile), "--server", hub.url],
      { timeout: 60_000 },
    );
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

beforeAll(async () => {
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      apps: [
        { id: "instagram", identity: "username" },
        { id: "bank", identity: "phone", reach: "open", verification: "log" },
      ],
      verification: { maxCodesPerHour: 5 },
    }),
  );
  hub = await spawnHub(await freePort(), join(dir, "hub.db"), { config });
});

afterAll(async () => {
  await hub.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("verification through serve and the CLI", () => {
  it(
    "[CFG2] request-code has the hub log a code that register --code accepts; without it register fails in one line",
    async () => {
      const refused = await sb("alice", "register", "+1 415 555 0100@bank");
      expect(refused.code).not.toBe(0);
      expect(refused.stderr.trim().split("\n")).toHaveLength(1);
      expect(refused.stderr).toMatch(/VERIFICATION_REQUIRED|verification code/);

      const sent = await sb("alice", "request-code", "+1 415 555 0100@bank");
      expect(sent.stdout).toMatch(/code sent for \+14155550100@bank/);
      const logged = /verification code for \+14155550100@bank: (\d{6})/.exec(hub.stderr());
      expect(logged).not.toBeNull();

      const registered = await sb("alice", "register", "+14155550100@bank", "--code", logged![1]!);
      expect(registered.stdout).toMatch(/registered \+14155550100@bank/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "[CFG1] serve refuses a config with an unknown key or a malformed URL, naming its path",
    async () => {
      const bad = join(dir, "bad.json");
      writeFileSync(
        bad,
        JSON.stringify({ db: "postgres:/x", apps: [{ id: "a", identity: "email", colour: 1 }] }),
      );
      const result = await run(process.execPath, [CLI, "serve", "--config", bad], { timeout: 60_000 }).then(
        () => ({ stderr: "", code: 0 }),
        (err: { stderr: string; code: number }) => err,
      );
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("db: ");
      expect(result.stderr).toContain("apps[0].colour: unknown setting");
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
