/**
 * Latency at a fixed offered rate, repeated: for comparing two builds of the
 * hub on the direct (or group) load without the noise of "half of this run's
 * saturation", which moves ±15% between runs on the dev VM. One hub on a
 * fresh SQLite file, the bench's conversations, then `--repeats` open-loop
 * phases at each `--rates` (messages/s), and optionally closed-loop
 * saturation phases (`--saturation=N`), each printed as it ends and as one
 * JSON line at the end. Run it once per build, alternating builds, and
 * compare the spreads (bench/README.md).
 *
 *   node --import tsx bench/pacedLatency.ts [--rates=12000] [--repeats=5] [--saturation=0]
 *     [--conversations=32] [--members=2] [--payload=256] [--window=64]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchHubConfigArgs } from "./lib/benchHubConfig.js";
import { makeConversations } from "./lib/fixtures.js";
import { startHubProcess } from "./lib/hubProcess.js";
import type { PhaseTiming } from "./loadgen/messages.js";
import { LoadGenerator } from "./loadgen/pool.js";
import { figuresOf, fmt, type PhaseFigures } from "./loadgen/procedures.js";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, v ?? ""] as const;
  }),
);
const num = (name: string, fallback: number): number => Number(args.get(name) ?? fallback);
const RATES = (args.get("rates") ?? "12000").split(",").map(Number);
const REPEATS = num("repeats", 5);
const SATURATION = num("saturation", 0);
const MEMBERS = num("members", 2);
const TIMING: PhaseTiming = { warmupMs: 1000, measureMs: 4000, drainMs: 3000 };

const scratch = mkdtempSync(join(tmpdir(), "switchboard-paced-"));
const hub = await startHubProcess(join(scratch, "paced.db"), benchHubConfigArgs(scratch));
const phases: { kind: string; rate?: number; figures: PhaseFigures }[] = [];
try {
  const conversations = await makeConversations(hub.url, {
    conversations: num("conversations", 32),
    membersPerConversation: MEMBERS,
    payloadBytes: num("payload", 256),
    prefix: "paced_",
  });
  const generator = await LoadGenerator.start({
    system: "hub",
    urls: [hub.url],
    serverPids: [hub.pid],
    conversations,
    workers: 1,
  });
  const line = (f: PhaseFigures): string =>
    `${fmt(f.messagesPerSecond)} msg/s, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms, ` +
    `hub ${f.serverCpuCores.toFixed(2)} cores, other ${f.otherCpuCores.toFixed(2)}`;
  try {
    for (let i = 0; i < REPEATS; i++) {
      for (const rate of RATES) {
        const figures = figuresOf(
          await generator.run({ kind: "open", messagesPerSecond: rate }, TIMING),
          MEMBERS - 1,
        );
        phases.push({ kind: "open", rate, figures });
        console.log(`open ${fmt(rate)}/s ${i + 1}/${REPEATS}: ${line(figures)}`);
      }
    }
    for (let i = 0; i < SATURATION; i++) {
      const figures = figuresOf(
        await generator.run({ kind: "closed", window: num("window", 64) }, TIMING),
        MEMBERS - 1,
      );
      phases.push({ kind: "closed", figures });
      console.log(`closed ${i + 1}/${SATURATION}: ${line(figures)}`);
    }
  } finally {
    await generator.stop();
  }
  console.log(
    JSON.stringify(
      phases.map((p) => ({
        kind: p.kind,
        rate: p.rate,
        msgPerSecond: Math.round(p.figures.messagesPerSecond),
        p50: p.figures.p50,
        p99: p.figures.p99,
        hubCores: p.figures.serverCpuCores,
      })),
    ),
  );
} finally {
  await hub.stop();
  rmSync(scratch, { recursive: true, force: true });
}
