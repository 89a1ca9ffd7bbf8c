/**
 * Client MLS state persistence per message (issue 18, SPEC ST40-ST45).
 *
 *   node --import tsx bench/mlsPersist.ts                      groups of 100 and 1,000 devices
 *   node --stack-size=4000 --import tsx bench/mlsPersist.ts --sizes=100,1000,10000
 *
 * 10,000 devices needs the larger stack: ts-mls 1.6.4 encodes a vector
 * through one closure per element, called recursively, and a ratchet tree
 * of 20,000 nodes (or 10,000 Add proposals) overflows V8's default stack.
 *
 * Per group size: one device creates the group with everyone in one commit,
 * then makes two empty commits (so ts-mls's past-epoch receiver data holds
 * full-size trees too, as in a group that lives). Its state is stored in a
 * SQLite LocalStore file (WAL, synchronous FULL, as the SDK opens it).
 *
 * persist/msg: after each encrypted application message, the SDK's step:
 * saveState (the parts that changed) and one atomic write of the
 * conversation and its outbox item. The figure is CPU time (user + system,
 * process.cpuUsage) per message, and wall time beside it (it includes the
 * fsync of each commit, which CPU time does not); "of it save" is the
 * saveState part (the engine's encoding), the rest is the SQLite write.
 * load/msg: getConversation + loadState, the SDK's read before each step
 * (the decoded-state cache answers by version, so no part is read).
 * whole/msg: what the SDK did before ST40, for comparison: the whole state
 * serialized (format 1) and written as one part replacing the last.
 * commit: saveState + write after an empty commit (once per epoch).
 * cold load: getConversation + loadState of a state the cache does not hold
 * (the first step in a conversation after the SDK opens), CPU.
 * The receiving side writes the same one row per message (test/mls/stateParts.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { createTsMlsEngine } from "../packages/client/src/mls/index.js";
import type { DeviceIdentity, GroupEngine, GroupState } from "../packages/client/src/mls/index.js";
import { withStateCache } from "../packages/client/src/mls/stateCache.js";
import { groupStateSize } from "../packages/client/src/store/groupStateParts.js";
import type { LocalConversation, LocalStore } from "../packages/client/src/store/port.js";
import { openSqliteLocalStore } from "../packages/client/src/store/sqlite/open.js";
import { identity } from "./lib/mlsGroupFixture.js";

const only = process.argv.find((a) => a.startsWith("--sizes="));
const sizes = only ? only.slice("--sizes=".length).split(",").map(Number) : [100, 1000];
const MESSAGES = 200;
const WHOLE_MESSAGES = 20;
const PAYLOAD = new Uint8Array(1024).fill(0x61);
const ID = "bench";

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function build(engine: GroupEngine, size: number) {
  const sender = identity(0);
  let state = (await engine.createGroup(sender, crypto.getRandomValues(new Uint8Array(16)))).state;
  const others = [];
  for (let i = 1; i < size; i++) others.push((await engine.generateKeyPackage(identity(i))).publicMessage);
  state = (await engine.createCommit(sender, state, { add: others, removeDeviceIds: [] })).newState;
  for (let i = 0; i < 2; i++)
    state = (await engine.createCommit(sender, state, { add: [], removeDeviceIds: [] })).newState;
  return { sender, state };
}

function record(groupState: LocalConversation["groupState"], epoch: number): LocalConversation {
  return {
    id: ID,
    kind: "group",
    title: "bench",
    peer: null,
    participants: [],
    groupState,
    epoch,
    appliedSeq: 0,
    active: true,
    createdAt: 0,
    updatedAt: 0,
  };
}

async function measure(raw: GroupEngine, store: LocalStore, sender: DeviceIdentity, built: GroupState) {
  const engine = withStateCache(raw);
  await store.write([
    { kind: "putConversation", conversation: record(engine.saveState(built), built.epoch) },
  ]);
  let persistCpu = 0;
  let persistWall = 0;
  let saveCpu = 0;
  let loadCpu = 0;
  let lastBytes = 0;
  for (let i = 0; i < MESSAGES; i++) {
    let c0 = cpuMs();
    const conversation = (await store.getConversation(ID))!;
    const state = engine.loadState(conversation.groupState);
    loadCpu += cpuMs() - c0;
    const { message, newState } = await engine.encrypt(sender, state, PAYLOAD);
    c0 = cpuMs();
    const w0 = performance.now();
    const saved = engine.saveState(newState);
    saveCpu += cpuMs() - c0;
    await store.write([
      { kind: "putConversation", conversation: { ...conversation, groupState: saved, updatedAt: i } },
      {
        kind: "putOutbox",
        item: {
          clientMessageId: `m${i}`,
          conversationId: ID,
          payload: message,
          epoch: 0,
          createdAt: i,
          plaintext: null,
        },
      },
    ]);
    persistWall += performance.now() - w0;
    persistCpu += cpuMs() - c0;
    lastBytes = (saved.delta?.changed ?? []).reduce((n, key) => n + saved.parts.get(key)!.length, 0);
  }
  const l0 = cpuMs();
  const stored = (await store.getConversation(ID))!;
  raw.loadState(stored.groupState); // no cache: every part read and decoded
  const coldLoadCpu = cpuMs() - l0;
  const stateKiB = groupStateSize(stored.groupState) / 1024;

  // Before ST40: the whole state, serialized and written for every message.
  let wholeCpu = 0;
  let wholeWall = 0;
  let state = engine.loadState(stored.groupState);
  for (let i = 0; i < WHOLE_MESSAGES; i++) {
    const { newState } = await engine.encrypt(sender, state, PAYLOAD);
    state = newState;
    const c0 = cpuMs();
    const w0 = performance.now();
    const blob = raw.serialize(newState);
    await store.write([
      {
        kind: "putConversation",
        conversation: record({ version: `whole${i}`, parts: new Map([["v1", blob]]) }, 0),
      },
    ]);
    wholeWall += performance.now() - w0;
    wholeCpu += cpuMs() - c0;
  }

  // One commit: the new epoch's parts.
  const fresh = raw.loadState((await store.getConversation(ID))!.groupState);
  await store.write([
    { kind: "putConversation", conversation: record(engine.saveState(fresh), fresh.epoch) },
  ]);
  const commit = await engine.createCommit(sender, fresh, { add: [], removeDeviceIds: [] });
  const c0 = cpuMs();
  const w0 = performance.now();
  await store.write([
    {
      kind: "putConversation",
      conversation: record(engine.saveState(commit.newState), commit.newState.epoch),
    },
  ]);
  const commitCpu = cpuMs() - c0;
  const commitWall = performance.now() - w0;

  return {
    persistCpu: persistCpu / MESSAGES,
    persistWall: persistWall / MESSAGES,
    saveCpu: saveCpu / MESSAGES,
    loadCpu: loadCpu / MESSAGES,
    rowBytes: lastBytes,
    wholeCpu: wholeCpu / WHOLE_MESSAGES,
    wholeWall: wholeWall / WHOLE_MESSAGES,
    commitCpu,
    commitWall,
    coldLoadCpu,
    stateKiB,
  };
}

const raw = await createTsMlsEngine({ crypto: "node" });
const dir = mkdtempSync(join(tmpdir(), "switchboard-persist-"));
console.log(
  `node ${process.version}, SQLite LocalStore (WAL, synchronous FULL), ${MESSAGES} 1 KiB messages per size; ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
);
console.log(
  [
    "devices",
    "state KiB",
    "row B",
    "persist/msg",
    "(wall)",
    "of it save",
    "load/msg",
    "whole/msg",
    "(wall)",
    "commit",
    "(wall)",
    "cold load",
  ]
    .map((h, i) => (i === 0 ? h.padEnd(8) : h.padStart(11)))
    .join(" "),
);
try {
  for (const size of sizes) {
    const t0 = performance.now();
    const { sender, state } = await build(raw, size);
    console.error(`  (built a group of ${size} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const store = openSqliteLocalStore(join(dir, `${size}.db`));
    const r = await measure(raw, store, sender, state);
    await store.close();
    const ms = (n: number) => `${n.toFixed(2)} ms`.padStart(11);
    console.log(
      [
        String(size).padEnd(8),
        r.stateKiB.toFixed(0).padStart(11),
        String(r.rowBytes).padStart(11),
        ms(r.persistCpu),
        ms(r.persistWall),
        ms(r.saveCpu),
        ms(r.loadCpu),
        ms(r.wholeCpu),
        ms(r.wholeWall),
        ms(r.commitCpu),
        ms(r.commitWall),
        ms(r.coldLoadCpu),
      ].join(" "),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
