/**
 * A 10,000-device MLS group end to end (issue 18), with the SDK's engine on
 * our node:crypto provider. Not part of `npm test`: it takes minutes.
 *
 *   node --import tsx bench/mlsLargeGroup.ts                 10,000 devices
 *   node --import tsx bench/mlsLargeGroup.ts --devices=1000  a quicker run
 *
 * Steps, each timed (wall and this process's CPU time):
 *   1. `creator` makes the group and adds every other device in one commit;
 *      `member` joins from that Welcome (it then follows every step);
 *   2. the creator commits an update (its path gets keys and parent hashes),
 *      the member processes it;
 *   3. the creator sends a message, the member reads it;
 *   4. the creator adds `newcomer`; the member processes the commit and the
 *      newcomer joins from its Welcome (target: under 5 s);
 *   5. the creator removes one device; member and newcomer process it;
 *   6. a message after all that, read by the member and the newcomer.
 * Every other device exists only as a key package (its keys are never used
 * again), which is all a group's tree needs from it.
 * Exits non-zero if a check fails (wrong plaintext, wrong membership); the
 * join target is reported (met / MISSED), not enforced.
 */
import { createTsMlsEngine } from "../packages/client/src/mls/index.js";
import type { GeneratedKeyPackage, GroupState } from "../packages/client/src/mls/index.js";
import { identity } from "./lib/mlsGroupFixture.js";

const arg = process.argv.find((a) => a.startsWith("--devices="));
const DEVICES = arg ? Number(arg.slice("--devices=".length)) : 10_000;
const JOIN_TARGET_MS = 5000;

const rows: { step: string; wallMs: number; cpuMs: number }[] = [];
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await run();
  const wallMs = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu0);
  rows.push({ step: name, wallMs, cpuMs: (user + system) / 1000 });
  console.log(
    `${name.padEnd(48)} ${wallMs.toFixed(0).padStart(8)} ms wall ${((user + system) / 1000).toFixed(0).padStart(8)} ms CPU`,
  );
  return result;
}

function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`FAILED: ${what}`);
    process.exitCode = 1;
  }
}

const engine = await createTsMlsEngine({ crypto: "node" });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
console.log(`${DEVICES} devices, node ${process.version}, ts-mls 1.6.4 (patched), node:crypto provider`);

const creator = identity(0);
const member = identity(1);
const newcomer = identity(DEVICES);
const memberPackage = await engine.generateKeyPackage(member);
const packages = await step(`key packages for ${DEVICES - 2} other devices`, async () => {
  const out: Uint8Array[] = [];
  for (let i = 2; i < DEVICES; i++) out.push((await engine.generateKeyPackage(identity(i))).publicMessage);
  return out;
});

let creatorState: GroupState = (await engine.createGroup(creator, crypto.getRandomValues(new Uint8Array(16))))
  .state;
const created = await step(`create: add ${DEVICES - 1} devices in one commit`, () =>
  engine.createCommit(creator, creatorState, {
    add: [memberPackage.publicMessage, ...packages],
    removeDeviceIds: [],
  }),
);
creatorState = created.newState;
console.log(`  (Welcome ${(created.welcome!.length / 1024 / 1024).toFixed(1)} MiB)`);
const findOnly = (kp: GeneratedKeyPackage) => async (ref: string) => (ref === kp.ref ? kp : undefined);
let memberState = (
  await step("member joins from that Welcome", () =>
    engine.joinFromWelcome(member, created.welcome!, findOnly(memberPackage)),
  )
).state;
check(engine.members(memberState).length === DEVICES, `member sees ${DEVICES} devices`);

const update = await step("creator commits an update (path)", () =>
  engine.createCommit(creator, creatorState, { add: [], removeDeviceIds: [] }),
);
creatorState = update.newState;
memberState = (await step("member processes it", () => engine.process(member, memberState, update.commit)))
  .newState;

const hello = await step("creator encrypts a message", () =>
  engine.encrypt(creator, creatorState, new TextEncoder().encode("hello, ten thousand")),
);
creatorState = hello.newState;
const read = await step("member decrypts it", () => engine.process(member, memberState, hello.message));
memberState = read.newState;
check(
  read.kind === "application" && text(read.plaintext) === "hello, ten thousand",
  "member reads the message",
);

const newcomerPackage = await engine.generateKeyPackage(newcomer);
const add = await step("creator adds one device", () =>
  engine.createCommit(creator, creatorState, { add: [newcomerPackage.publicMessage], removeDeviceIds: [] }),
);
creatorState = add.newState;
memberState = (await step("member processes the add", () => engine.process(member, memberState, add.commit)))
  .newState;
let newcomerState = (
  await step("newcomer joins from its Welcome (target < 5 s)", () =>
    engine.joinFromWelcome(newcomer, add.welcome!, findOnly(newcomerPackage)),
  )
).state;
const joinRow = rows[rows.length - 1]!;
check(engine.members(newcomerState).length === DEVICES + 1, "newcomer sees everyone");

const victim = `device${DEVICES - 1}`;
const remove = await step("creator removes one device", () =>
  engine.createCommit(creator, creatorState, { add: [], removeDeviceIds: [victim] }),
);
creatorState = remove.newState;
memberState = (
  await step("member processes the remove", () => engine.process(member, memberState, remove.commit))
).newState;
newcomerState = (
  await step("newcomer processes the remove", () => engine.process(newcomer, newcomerState, remove.commit))
).newState;
check(!engine.members(newcomerState).some((m) => m.deviceId === victim), "the removed device is gone");

const bye = await engine.encrypt(creator, creatorState, new TextEncoder().encode("after the changes"));
for (const [name, who, state] of [
  ["member", member, memberState],
  ["newcomer", newcomer, newcomerState],
] as const) {
  const got = await step(`${name} decrypts a message after them`, () =>
    engine.process(who, state, bye.message),
  );
  check(
    got.kind === "application" && text(got.plaintext) === "after the changes",
    `${name} reads the last message`,
  );
}

// The target is reported, not enforced: the exit code is for correctness.
const met = joinRow.cpuMs < JOIN_TARGET_MS ? "met" : "MISSED";
console.log(
  `newcomer join: ${joinRow.cpuMs.toFixed(0)} ms CPU, ${joinRow.wallMs.toFixed(0)} ms wall ` +
    `(target < ${JOIN_TARGET_MS} ms: ${met}); ` +
    (process.exitCode ? "SOME CHECKS FAILED" : "all checks passed"),
);
