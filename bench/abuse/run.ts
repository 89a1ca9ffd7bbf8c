/**
 * `npm run abuse`: the attacks of issue 14 against a real hub process, each
 * while a normal pair of devices keeps talking and /healthz is probed, with
 * the hub's peak RSS. Prints a table (also written to bench/results/abuse.md;
 * SECURITY.md quotes it).
 *
 *   npm run abuse
 *   npm run abuse -- --only=forged-add,silent-sockets
 *   npm run abuse -- --seconds=30      time budget per attack (default 30)
 *
 * Everything runs on loopback: the hub on 127.0.0.1, the normal pair from
 * 127.0.0.1 and the attackers from 127.0.0.2 and up (per-IP limits bite them,
 * not the pair). Every attack is bounded in count and time.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { measureProcess, sampleProcess, startHubProcess } from "../lib/hubProcess.js";
import { sleep } from "../lib/deadline.js";
import { ATTACKS, slug } from "./attacks/index.js";
import { abuseConfig } from "./config.js";
import { startCanary } from "./probes/canary.js";
import { startHealthProbe } from "./probes/health.js";
import { formatRows, type Row } from "./table.js";

function flag(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.split("=")[1];
}

const only = flag("only")?.split(",");
const seconds = Number(flag("seconds") ?? 30);
const chosen = ATTACKS.filter((a) => !only || only.includes(slug(a)));
if (chosen.length === 0) throw new Error(`--only: none of ${ATTACKS.map(slug).join(", ")}`);

const rows: Row[] = [];
let counter = 0;
for (const [i, attack] of chosen.entries()) {
  // A fresh hub per attack: one attack's leftovers (memory, sockets, rows) do not colour the next.
  // The hub makes its data directory itself (0700), as on a fresh machine.
  const dataDir = join(mkdtempSync(join(tmpdir(), "switchboard-abuse-")), "data");
  const configFile = join(dataDir, "..", "config.json");
  writeFileSync(configFile, JSON.stringify(abuseConfig(), null, 2));
  const hub = await startHubProcess(join(dataDir, "switchboard.db"), ["--config", configFile]);
  try {
    process.stdout.write(`- ${attack.name} ... `);
    const canary = await startCanary(hub.url, i);
    await sleep(1500);
    const idleRss = sampleProcess(hub.pid).rssBytes;
    const health = await startHealthProbe(hub.url);
    const ctx = {
      server: hub.url,
      hubPid: hub.pid,
      dataDir,
      hubLog: () => hub.recentLog(),
      deadline: Date.now() + seconds * 1000,
      address: (app: "instagram" | "messenger" | "whatsapp") =>
        app === "whatsapp"
          ? `+1415555${String(1000 + counter++).slice(-4)}@whatsapp`
          : app === "messenger"
            ? `abuse${counter++}@example.com@messenger`
            : `abuse${counter++}@instagram`,
    };
    let outcome;
    let peakRss = idleRss;
    try {
      const measured = await measureProcess(hub.pid, () => attack.run(ctx));
      outcome = measured.result;
      peakRss = measured.peakRssBytes;
    } catch (err) {
      outcome = {
        answered: `attack failed: ${err instanceof Error ? err.message : String(err)}`,
        held: false,
      };
    }
    // Let the hub settle, and the canary see it through.
    await sleep(1000);
    const healthFigures = await health.stop();
    const canaryFigures = await canary.stop();
    const row: Row = {
      attack: attack.name,
      what: attack.what,
      answered: outcome.answered,
      idleRssMiB: idleRss / 2 ** 20,
      peakRssMiB: peakRss / 2 ** 20,
      healthzMaxMs: healthFigures.maxMs,
      healthzFailures: healthFigures.failures,
      canary: canaryFigures,
      held:
        outcome.held &&
        healthFigures.failures === 0 &&
        healthFigures.maxMs < 100 &&
        canaryFigures.failures === 0 &&
        (attack.rssGoal === undefined || peakRss <= attack.rssGoal * idleRss),
    };
    rows.push(row);
    console.log(row.held ? "held" : "NOT held", `(${row.answered})`);
  } finally {
    await hub.stop();
    rmSync(join(dataDir, ".."), { recursive: true, force: true });
  }
}

const table = formatRows(rows);
console.log(`\n${table}\n${rows.filter((r) => r.held).length} of ${rows.length} attacks held.`);
const out = fileURLToPath(new URL("../results/abuse.md", import.meta.url));
writeFileSync(out, `# npm run abuse (${new Date().toISOString()})\n\n${table}\n`);
console.log(`written to ${out}`);
