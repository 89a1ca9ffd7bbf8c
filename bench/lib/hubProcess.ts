/**
 * The hub under test, in its own process (`switchboard serve`), so the load
 * generator never shares its event loop. Also samples its CPU and memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "../../devkit/freePort.js";

export const CLI = fileURLToPath(new URL("../../packages/cli/bin/switchboard.js", import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** The last 4,000 characters the process wrote to stderr (its log). */
  recentLog(): string;
  stop(): Promise<void>;
}

/** Start a process that prints "listening on <url>" on stdout and wait for it. */
export async function startProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  // HUB_STDERR=1: the hub's log live on this process's stderr (debugging a bench).
  if (process.env.HUB_STDERR) child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`did not start: ${stderr}`)), 60_000);
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
      reject(new Error(`exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    child,
    recentLog: () => stderr,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}

/**
 * Node flags for the hub process, e.g. BENCH_HUB_NODE_FLAGS="--cpu-prof --cpu-prof-dir=prof"
 * (`npm run bench -- --profile` sets it): profiling the hub without touching its code.
 */
export function hubNodeFlags(): string[] {
  return (process.env.BENCH_HUB_NODE_FLAGS ?? "").split(" ").filter((f) => f !== "");
}

/**
 * The V8 flags a hub runs with (README.md, `switchboard serve`; `npm start`
 * passes them too): a young generation of 32 MiB semi-spaces instead of
 * Node 20's 16. A hub at saturation holds thousands of messages in flight,
 * each a few objects that outlive one scavenge, so with small semi-spaces
 * they are copied and promoted over and over: the garbage collector was
 * 13-16% of the main thread (profiled `--quick` direct runs, 2026-12-07),
 * 4-6% with larger ones, and bench/hubPath.ts spent 42.8 µs of CPU per
 * message against 33.0 (medians of 4 interleaved runs; 64 MiB: 32.8).
 */
export const HUB_V8_FLAGS = ["--max-semi-space-size=32"];

/** `switchboard serve` on a fresh SQLite file. */
export async function startHubProcess(db: string, extraArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  return startProcess([
    ...HUB_V8_FLAGS,
    ...hubNodeFlags(),
    CLI,
    "serve",
    "--port",
    String(port),
    "--db",
    db,
    ...extraArgs,
  ]);
}

export interface ProcessSample {
  /** CPU time used (user + system), in ms. */
  cpuMs: number;
  /** Resident set size, in bytes. */
  rssBytes: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux.

/** CPU time and RSS of a process, from /proc (Linux). */
export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start after ") ".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
}

/** CPU use (as a fraction of one core) and peak RSS of `pid` while `work` runs. */
export async function measureProcess<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; cpuCores: number; peakRssBytes: number }> {
  const start = sampleProcess(pid);
  const t0 = performance.now();
  let peak = start.rssBytes;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, sampleProcess(pid).rssBytes);
    } catch {
      // The process may have exited.
    }
  }, 100);
  try {
    const result = await work();
    const end = sampleProcess(pid);
    const elapsed = performance.now() - t0;
    return {
      result,
      cpuCores: (end.cpuMs - start.cpuMs) / elapsed,
      peakRssBytes: Math.max(peak, end.rssBytes),
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The same over several processes (the nodes of a cluster): CPU summed, peak
 * RSS summed over the processes' own peaks (an upper bound of the joint peak).
 */
export async function measureProcesses<T>(
  pids: readonly number[],
  work: () => Promise<T>,
): Promise<{ result: T; cpuCores: number; peakRssBytes: number }> {
  let finish: (() => void) | undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const measured = Promise.all(pids.map((pid) => measureProcess(pid, () => done)));
  try {
    const result = await work();
    finish!();
    const each = await measured;
    return {
      result,
      cpuCores: each.reduce((n, m) => n + m.cpuCores, 0),
      peakRssBytes: each.reduce((n, m) => n + m.peakRssBytes, 0),
    };
  } finally {
    finish!();
  }
}
