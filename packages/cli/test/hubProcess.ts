/** Runs `switchboard serve` as a real child process, for crash and end-to-end tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../devkit/freePort.js";

export { freePort };

/**
 * Tests here start real processes (each CLI call is a node + tsx start-up of
 * ~1 s, slower on a busy machine): a generous bound, not a timing assertion.
 */
export const PROCESS_TEST_TIMEOUT_MS = 240_000;

export const CLI = fileURLToPath(new URL("../bin/switchboard.js", import.meta.url));

export interface HubProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr (its logs). */
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * `db`: a SQLite file or a postgres:// URL; `nats`: NATS URLs for a node of a
 * cluster; `env`: more environment (e.g. SWITCHBOARD_HUB_KEY, which every
 * node of a cluster must share).
 */
export async function spawnHub(
  port: number,
  db: string,
  options: { nats?: string; config?: string; env?: Record<string, string> } = {},
): Promise<HubProcess> {
  const args = [CLI, "serve", "--port", String(port), "--db", db];
  if (options.nats) args.push("--nats", options.nats);
  if (options.config) args.push("--config", options.config);
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: "info", ...options.env },
  });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${err}`)), 30_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}: ${err}`));
    });
  });
  return {
    url,
    child,
    stderr: () => err,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}
