/**
 * MLS engine benchmark: our node:crypto provider against ts-mls's default one.
 *
 *   node --import tsx bench/mls.ts            groups of 10 and 100 devices
 *   node --import tsx bench/mls.ts --large    also 1000 devices
 *   node --import tsx bench/mls.ts --sizes=1000,2000
 *   ... --json                                 also one "BENCH_JSON [...]" line (bench/run.ts reads it)
 *   ... --providers=node                       only our provider (default: node,default)
 *   ... --cpu                                  times and rates from this process's CPU time
 *                                              (process.cpuUsage) instead of wall time: fairer
 *                                              on a machine other work is loading
 *   ... --warm                                 add/process/remove start from one decoded state,
 *                                              as the SDK's state cache holds a group's state
 *                                              (default: a freshly decoded copy per run, so
 *                                              nothing remembered from earlier trees helps)
 *
 * Per group size, one group is built once (with the node provider, it is only
 * set-up): the sender adds everyone in one commit, a receiver joins from the
 * Welcome, and the sender makes one update commit so its path is populated.
 * Both states are saved; every measurement starts from fresh copies, with each
 * provider, so the two columns measure the same work.
 *
 * enc/s, dec/s: 1 KiB application messages, one after another (ratchet included).
 * dec/s 2nd: the same messages decrypted again from a fresh copy of the
 * receiver's state, once V8 has optimised the path (a client's steady state).
 * add: commit adding one device. process: the receiver applies that commit.
 * join: the new device joins from its Welcome (validates the whole tree).
 * remove: commit removing one device (UpdatePath: HPKE to the copath's resolution).
 * load+save: deserialize + serialize the receiver's state, which the SDK does per message.
 */
import { createTsMlsEngine } from "../packages/client/src/mls/index.js";
import type { GroupEngine, GroupState } from "../packages/client/src/mls/index.js";
import { buildGroup, type GroupFixture } from "./lib/mlsGroupFixture.js";

const only = process.argv.find((a) => a.startsWith("--sizes="));
const sizes = only
  ? only.slice("--sizes=".length).split(",").map(Number)
  : process.argv.includes("--large")
    ? [10, 100, 1000]
    : [10, 100];
const providerArg = process.argv.find((a) => a.startsWith("--providers="));
const providers = providerArg ? providerArg.slice("--providers=".length).split(",") : ["node", "default"];
const useCpu = process.argv.includes("--cpu");
const warm = process.argv.includes("--warm");
/** Milliseconds: wall time, or with --cpu this process's user+system CPU time. */
function clock(): number {
  if (!useCpu) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
const PAYLOAD = new Uint8Array(1024).fill(0x61);
const OP_RUNS = 5;
const OP_BUDGET_MS = 4000;
const THROUGHPUT_MS = 1500;

/** Median milliseconds of `run`, each run on fresh inputs from `prepare`. */
async function timeOp<T>(prepare: () => T, run: (input: T) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  const started = performance.now();
  while (times.length < OP_RUNS && (times.length === 0 || performance.now() - started < OP_BUDGET_MS)) {
    const input = prepare();
    const t0 = clock();
    await run(input);
    times.push(clock() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function measure(engine: GroupEngine, f: GroupFixture) {
  // Copies: a decoded state's secrets are views into the bytes it came from,
  // and using a state zeroes the secrets it consumed, in those bytes.
  // --warm: an operation's result is never used, so its base state stays valid for the next run.
  const senderHeld = warm ? engine.deserialize(f.senderState.slice()) : undefined;
  const receiverHeld = warm ? engine.deserialize(f.receiverState.slice()) : undefined;
  const senderCopy = () => senderHeld ?? engine.deserialize(f.senderState.slice());
  const receiverCopy = () => receiverHeld ?? engine.deserialize(f.receiverState.slice());

  // Throughput: encrypt for a while, then decrypt exactly those messages in order.
  let state: GroupState = engine.deserialize(f.senderState.slice());
  const messages: Uint8Array[] = [];
  const wall0 = performance.now();
  const t0 = clock();
  while (performance.now() - wall0 < THROUGHPUT_MS) {
    const out = await engine.encrypt(f.sender, state, PAYLOAD);
    messages.push(out.message);
    state = out.newState;
  }
  const encPerSec = messages.length / ((clock() - t0) / 1000);
  /** Decrypts per second over every message, in order, from a fresh copy of the receiver's state. */
  const decryptAll = async () => {
    let receiving = engine.deserialize(f.receiverState.slice());
    const started = clock();
    for (const message of messages)
      receiving = (await engine.process(f.receiver, receiving, message)).newState;
    return messages.length / ((clock() - started) / 1000);
  };
  const decPerSec = await decryptAll();
  // The same messages again: the first pass also pays for V8 optimising the
  // decrypt path (its compiler threads count in this process's CPU time),
  // which a client that has run for a while has paid already. Both are reported.
  const decSecondPassPerSec = await decryptAll();

  const add = await engine.createCommit(f.sender, senderCopy(), {
    add: [f.newcomerPackage.publicMessage],
    removeDeviceIds: [],
  });
  const remove = await engine.createCommit(f.sender, senderCopy(), { add: [], removeDeviceIds: [f.victim] });
  return {
    encPerSec,
    decPerSec,
    decSecondPassPerSec,
    add: await timeOp(senderCopy, (s) =>
      engine.createCommit(f.sender, s, { add: [f.newcomerPackage.publicMessage], removeDeviceIds: [] }),
    ),
    processAdd: await timeOp(receiverCopy, (s) => engine.process(f.receiver, s, add.commit)),
    join: await timeOp(
      () => undefined,
      () => engine.joinFromWelcome(f.newcomer, add.welcome!, async () => f.newcomerPackage),
    ),
    remove: await timeOp(senderCopy, (s) =>
      engine.createCommit(f.sender, s, { add: [], removeDeviceIds: [f.victim] }),
    ),
    processRemove: await timeOp(receiverCopy, (s) => engine.process(f.receiver, s, remove.commit)),
    loadSave: await timeOp(
      () => undefined,
      async () => engine.serialize(engine.deserialize(f.receiverState.slice())),
    ),
    stateKiB: f.receiverState.length / 1024,
  };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
// --json: also print every row as one "BENCH_JSON [...]" line at the end, for bench/run.ts.
const json = process.argv.includes("--json");
const jsonRows: ({ devices: number; provider: string } & Awaited<ReturnType<typeof measure>>)[] = [];
const engines: Record<string, GroupEngine> = {};
// Groups are built with the node provider whatever is measured: it is only set-up.
const builder = await createTsMlsEngine({ crypto: "node" });
for (const name of providers) {
  if (name !== "node" && name !== "default") throw new Error(`unknown provider ${name}`);
  engines[name] = await createTsMlsEngine({ crypto: name });
}

console.log(
  `node ${process.version}, ts-mls 1.6.4, MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 1 KiB messages; times are medians in ms (${useCpu ? "CPU time" : "wall time"}${warm ? ", warm states" : ""})`,
);
console.log(
  [
    "devices",
    "provider",
    "enc/s",
    "dec/s",
    "dec/s 2nd",
    "add",
    "process",
    "join",
    "remove",
    "process",
    "load+save",
    "state KiB",
  ]
    .map((h, i) => (i < 2 ? h.padEnd(i === 0 ? 8 : 9) : h.padStart(9)))
    .join(" "),
);
for (const size of sizes) {
  const t0 = performance.now();
  const fixture = await buildGroup(builder, size);
  console.error(`  (built a group of ${size} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const rows: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const [name, engine] of Object.entries(engines)) {
    const r = await measure(engine, fixture);
    rows[name] = r;
    jsonRows.push({ devices: size, provider: name, ...r });
    console.log(
      [
        String(size).padEnd(8),
        name.padEnd(9),
        fmt(r.encPerSec, 0),
        fmt(r.decPerSec, 0),
        fmt(r.decSecondPassPerSec, 0),
        fmt(r.add),
        fmt(r.processAdd),
        fmt(r.join),
        fmt(r.remove),
        fmt(r.processRemove),
        fmt(r.loadSave),
        fmt(r.stateKiB, 0),
      ].join(" "),
    );
  }
  const n = rows.node;
  const d = rows.default;
  if (n === undefined || d === undefined) continue;
  console.log(
    [
      "".padEnd(8),
      "speed-up".padEnd(9),
      ...[
        n.encPerSec / d.encPerSec,
        n.decPerSec / d.decPerSec,
        n.decSecondPassPerSec / d.decSecondPassPerSec,
      ].map((x) => `${x.toFixed(1)}x`.padStart(9)),
      ...[
        d.add / n.add,
        d.processAdd / n.processAdd,
        d.join / n.join,
        d.remove / n.remove,
        d.processRemove / n.processRemove,
        d.loadSave / n.loadSave,
      ].map((x) => `${x.toFixed(1)}x`.padStart(9)),
    ].join(" "),
  );
}
if (json) console.log(`BENCH_JSON ${JSON.stringify(jsonRows)}`);
