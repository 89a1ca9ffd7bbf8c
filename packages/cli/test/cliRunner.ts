/** Runs the `switchboard` command as a person would: one profile directory per device, one hub. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { CLI } from "./hubProcess.js";

const run = promisify(execFile);

export interface CliRunner {
  /** Run a command as `profile`; resolves with its stdout, rejects if it exits non-zero. */
  sb: (profile: string, ...args: string[]) => Promise<string>;
  /** Run a command that must fail; its exit code and stderr. */
  sbFails: (profile: string, ...args: string[]) => Promise<{ code: number; stderr: string }>;
}

/** Profiles live under `dir`; `server` is read at each call (the hub starts after this is made). */
export function cliRunner(dir: string, server: () => string): CliRunner {
  const sb = async (profile: string, ...args: string[]) => {
    const { stdout } = await run(
      process.execPath,
      [CLI, ...args, "--profile", join(dir, profile), "--server", server()],
      { timeout: 60_000 },
    );
    return stdout;
  };
  return {
    sb,
    sbFails: async (profile, ...args) => {
      try {
        await sb(profile, ...args);
      } catch (err) {
        const e = err as { code: number; stderr: string };
        return { code: e.code, stderr: e.stderr };
      }
      throw new Error("expected the command to fail");
    },
  };
}

/** `--json` output: one object per line. */
export const jsonLines = (out: string): Record<string, unknown>[] =>
  out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
