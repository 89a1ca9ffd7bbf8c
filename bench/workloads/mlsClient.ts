/**
 * Client-side MLS: bench/mls.ts (our node:crypto provider against ts-mls's
 * default, side by side) run as a child process with --json, its figures
 * folded into the run. Groups of 10, 100 and 1,000 devices (--quick: 10).
 * Targets (issue 18, our provider: the one the SDK uses on Node): at least
 * 5,000 decrypts/s of 1 KiB messages; in a 1,000-device group, adding one
 * member at most 150 ms, processing that commit at most 50 ms, joining from
 * the Welcome under 1 s. A 10,000-device group end to end is
 * bench/mlsLargeGroup.ts (minutes; not run here).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Figure, Workload, WorkloadResult } from "./types.js";

const SCRIPT = fileURLToPath(new URL("../mls.ts", import.meta.url));

interface MlsRow {
  devices: number;
  provider: string;
  encPerSec: number;
  decPerSec: number;
  add: number;
  processAdd: number;
  join: number;
  remove: number;
  processRemove: number;
  loadSave: number;
  stateKiB: number;
}

/** The SDK's provider on Node; the targets apply to it. */
const OURS = "node";

export const run: Workload = async (ctx) => {
  const sizes = ctx.quick ? "10" : "10,100,1000";
  ctx.progress(`mls: groups of ${sizes} devices, both providers (bench/mls.ts)`);
  const rows = await runScript(["--import", "tsx", SCRIPT, `--sizes=${sizes}`, "--json"], (line) =>
    ctx.progress(`mls: ${line.trim()}`),
  );
  return rows.map((r): WorkloadResult => {
    const ours = r.provider === OURS;
    const figures: Figure[] = [
      { name: "encrypt 1 KiB", value: r.encPerSec, unit: "msg/s" },
      {
        name: "decrypt 1 KiB",
        value: r.decPerSec,
        unit: "msg/s",
        ...(ours ? { target: { op: ">=" as const, value: 5000 } } : {}),
      },
      {
        name: "add one member",
        value: r.add,
        unit: "ms",
        ...(ours && r.devices === 1000 ? { target: { op: "<=" as const, value: 150 } } : {}),
      },
      {
        name: "process that commit",
        value: r.processAdd,
        unit: "ms",
        ...(ours && r.devices === 1000 ? { target: { op: "<=" as const, value: 50 } } : {}),
      },
      {
        name: "join from Welcome",
        value: r.join,
        unit: "ms",
        ...(ours && r.devices === 1000 ? { target: { op: "<=" as const, value: 1000 } } : {}),
      },
      { name: "remove one member", value: r.remove, unit: "ms" },
      { name: "process that commit (remove)", value: r.processRemove, unit: "ms" },
      { name: "load + save state", value: r.loadSave, unit: "ms" },
      { name: "state size", value: r.stateKiB, unit: "KiB" },
    ];
    return {
      name: `mls-${r.devices}`,
      system: r.provider === OURS ? "node:crypto" : "ts-mls default",
      figures,
    };
  });
};

/** Run the script, pass its other output lines on, and return what its BENCH_JSON line carries. */
function runScript(args: string[], onLine: (line: string) => void): Promise<MlsRow[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let rows: MlsRow[] | undefined;
    // One splitter per stream: chunks of stdout and stderr interleave.
    const splitter = () => {
      let pending = "";
      return (chunk: Buffer) => {
        pending += chunk.toString();
        const parts = pending.split("\n");
        pending = parts.pop()!;
        for (const line of parts) {
          if (line.startsWith("BENCH_JSON ")) rows = JSON.parse(line.slice("BENCH_JSON ".length)) as MlsRow[];
          else if (line.trim() !== "") onLine(line);
        }
      };
    };
    child.stdout.on("data", splitter());
    child.stderr.on("data", splitter());
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 && rows ? resolve(rows) : reject(new Error(`bench/mls.ts exited with ${code}`)),
    );
  });
}
