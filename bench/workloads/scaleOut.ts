/**
 * Scale-out (issue 5): the direct-chat load on the embedded default (SQLite,
 * in-process bus) and on PostgreSQL + NATS with one and with two hub nodes,
 * in one run so the ratios hold on a drifting machine. With two nodes every
 * sender is on one node and its receiver on the other, so every delivery
 * crosses NATS. PostgreSQL and NATS are private instances in the scratch
 * directory (devkit/privateServices.ts), fsync and synchronous_commit on:
 * an acknowledged message is on disk, as with SQLite. Their own CPU is the
 * "other processes" figure of each phase.
 *
 * The target: one node on PostgreSQL reaches at least half of the
 * SQLite figure for direct chats with durable storage.
 */
import { join } from "node:path";
import { PrivateNats, PrivatePostgres, privateServicesMissing } from "../../devkit/privateServices.js";
import { benchHubConfigArgs } from "../lib/benchHubConfig.js";
import { startHubProcess, type ServerProcess } from "../lib/hubProcess.js";
import { HUB, oneProcess, phaseTimings, runScenario, type Scenario } from "./throughput.js";
import type { Workload, WorkloadResult } from "./types.js";

export const ONE_NODE = "postgres+nats x1";
export const TWO_NODES = "postgres+nats x2";

export const run: Workload = async (ctx) => {
  const missing = privateServicesMissing();
  if (missing) throw new Error(`scale-out needs PostgreSQL and NATS binaries: ${missing}`);
  const quick = ctx.quick;
  const scenario: Scenario = {
    ...phaseTimings(quick),
    // Two repeats, not three: four systems' worth of phases in the full run's 15 minutes.
    ...(quick ? {} : { repeats: 2, headlineRepeats: 2 }),
    name: "scaleout-direct-256",
    conversations: quick ? 16 : 32,
    membersPerConversation: 2,
    payloadBytes: 256,
    window: 64,
    fractions: [0.5],
    workers: ctx.workers ?? 1,
    referenceTargets: { [ONE_NODE]: 0.5 },
  };
  const started: { stop(): Promise<void> }[] = [];
  let pg: PrivatePostgres | undefined;
  let nats: PrivateNats | undefined;
  try {
    ctx.progress("scale-out: starting a private PostgreSQL and NATS");
    pg = await PrivatePostgres.start();
    nats = await PrivateNats.start();
    const node = async (db: string, args: string[] = []): Promise<ServerProcess> => {
      const p = await startHubProcess(db, [...args, ...benchHubConfigArgs(ctx.scratch)]);
      started.push(p);
      return p;
    };
    const sqlite = await node(join(ctx.scratch, "scaleout.db"));
    // One after the other: the first runs the migrations.
    const first = await node(pg.url, ["--nats", nats.url]);
    const second = await node(pg.url, ["--nats", nats.url]);
    const r = await runScenario(
      ctx,
      [
        oneProcess(HUB, "hub", sqlite),
        oneProcess(ONE_NODE, "hub", first),
        { system: TWO_NODES, kind: "hub", urls: [first.url, second.url], pids: [first.pid, second.pid] },
      ],
      scenario,
    );
    return r.results.map(
      (result): WorkloadResult => ({ ...result, notes: [...(result.notes ?? []), note(result.system)] }),
    );
  } finally {
    for (const p of started) await p.stop();
    await nats?.close();
    await pg?.close();
  }
};

function note(system: string): string {
  if (system === HUB) return "sqlite: the embedded default, one node, in-process bus (same hub code)";
  return `${system}: server figures are the hub node(s) only; PostgreSQL and NATS use the machine's other CPU (see "other processes" notes)`;
}
