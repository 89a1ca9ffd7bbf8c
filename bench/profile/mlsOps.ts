/**
 * CPU profile of one MLS operation in a large group, for issue 18:
 *
 *   node --import tsx bench/profile/mlsOps.ts OP [--size=1000] [--runs=N] [--profile=FILE]
 *
 * OP is decrypt | encrypt | add | process-add | remove | process-remove | join.
 * --rounds=N (decrypt, encrypt): the same work N times, each from a fresh state.
 * --warm: every run starts from one decoded state (as the SDK's state cache
 * keeps it), not from a freshly decoded copy.
 * The group (built as bench/mls.ts builds it) is kept in /tmp between runs, so
 * a profile holds the operation and not the set-up. Prints CPU ms per run
 * (process.cpuUsage), and with --profile writes a .cpuprofile of the runs only
 * (summarise it with bench/lib/cpuProfileTop.ts).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createTsMlsEngine } from "../../packages/client/src/mls/index.js";
import { buildGroup, type GroupFixture } from "../lib/mlsGroupFixture.js";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const op = process.argv[2] ?? "decrypt";
const size = Number(arg("size") ?? 1000);
const runs = Number(arg("runs") ?? (op === "decrypt" || op === "encrypt" ? 2000 : 10));
const profileFile = arg("profile");

// Uint8Arrays survive the JSON round trip as base64.
const replacer = (_: string, v: unknown) =>
  v instanceof Uint8Array ? { b64: Buffer.from(v).toString("base64") } : v;
const reviver = (_: string, v: unknown) =>
  v !== null && typeof v === "object" && "b64" in v
    ? new Uint8Array(Buffer.from((v as { b64: string }).b64, "base64"))
    : v;

const engine = await createTsMlsEngine({ crypto: "node" });
const cacheFile = `/tmp/switchboard-mls-fixture-${size}.json`;
let f: GroupFixture;
if (existsSync(cacheFile)) f = JSON.parse(readFileSync(cacheFile, "utf8"), reviver) as GroupFixture;
else {
  f = await buildGroup(engine, size);
  writeFileSync(cacheFile, JSON.stringify(f, replacer));
}
const sender = () => engine.deserialize(f.senderState.slice());
const receiver = () => engine.deserialize(f.receiverState.slice());
const PAYLOAD = new Uint8Array(1024).fill(0x61);

// Inputs made before the clock starts.
const messages: Uint8Array[] = [];
if (op === "decrypt") {
  let s = sender();
  for (let i = 0; i < runs; i++) {
    const out = await engine.encrypt(f.sender, s, PAYLOAD);
    messages.push(out.message);
    s = out.newState;
  }
}
const addCommit = async () =>
  engine.createCommit(f.sender, sender(), { add: [f.newcomerPackage.publicMessage], removeDeviceIds: [] });
const added = op === "process-add" || op === "join" ? await addCommit() : undefined;
const removed =
  op === "process-remove"
    ? await engine.createCommit(f.sender, sender(), { add: [], removeDeviceIds: [f.victim] })
    : undefined;

// Fresh states for each run, decoded before the profile starts.
// --warm: one state for every run, as the SDK's state cache holds a group's
// state (an operation's result is never used, so its base stays valid).
const warm = process.argv.includes("--warm");
const fresh = () => (op.startsWith("process") ? receiver() : sender());
const one = warm ? fresh() : undefined;
const states =
  op === "decrypt" || op === "encrypt" || op === "join"
    ? []
    : Array.from({ length: runs }, () => one ?? fresh());

// Decrypt and encrypt: each round's fresh state, decoded before the profile starts (a
// 1,000-device state takes ~100 ms to decode; it was in every profile of a round).
// --rounds=N: the same messages again from a fresh state, to see the rate once the JIT has settled.
const rounds = Number(arg("rounds") ?? 1);
const roundStates =
  op === "decrypt" || op === "encrypt"
    ? Array.from({ length: rounds }, () => (op === "decrypt" ? receiver() : sender()))
    : [];

const session = new Session();
if (profileFile) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: Number(arg("interval") ?? 250) });
  await session.post("Profiler.start");
}
let cpu = 0;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
if (op === "decrypt" || op === "encrypt") {
  for (let round = 0; round < rounds; round++) {
    let s = roundStates[round]!;
    const t0 = cpuMs();
    for (let i = 0; i < runs; i++) {
      s =
        op === "decrypt"
          ? (await engine.process(f.receiver, s, messages[i]!)).newState
          : (await engine.encrypt(f.sender, s, PAYLOAD)).newState;
    }
    cpu = cpuMs() - t0;
    console.log(`${op}: ${(cpu / runs).toFixed(3)} ms each, ${((runs / cpu) * 1000).toFixed(0)}/s`);
  }
} else {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = states[i]!;
    const t0 = cpuMs();
    if (op === "add")
      await engine.createCommit(f.sender, s, { add: [f.newcomerPackage.publicMessage], removeDeviceIds: [] });
    else if (op === "remove")
      await engine.createCommit(f.sender, s, { add: [], removeDeviceIds: [f.victim] });
    else if (op === "process-add") await engine.process(f.receiver, s, added!.commit);
    else if (op === "process-remove") await engine.process(f.receiver, s, removed!.commit);
    else if (op === "join")
      await engine.joinFromWelcome(f.newcomer, added!.welcome!, async () => f.newcomerPackage);
    else throw new Error(`unknown op ${op}`);
    times.push(cpuMs() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${op}: median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms CPU (${times.map((t) => t.toFixed(0)).join(" ")})`,
  );
}
if (profileFile) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(profileFile, JSON.stringify(profile));
  session.disconnect();
}
