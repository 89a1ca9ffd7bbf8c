/**
 * ST40-ST44: the incremental stored form of a group state. It loads to the
 * same state as the whole blob; a message changes one secret-tree row; a
 * commit writes the new epoch; no part holds the identity key; a migrated
 * whole blob loads and is replaced by parts on its next save.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../src/mls/index.js";
import type { GroupEngine, GroupState } from "../../src/mls/index.js";
import { LEGACY_PART } from "../../src/mls/stateParts.js";
import { groupStateWrites, type StoredGroupState } from "../../src/store/groupStateParts.js";
import { Device, thrownCode } from "./fixtures.js";

let engine: GroupEngine;
beforeAll(async () => {
  engine = await createTsMlsEngine({ crypto: "node" });
});

/** A store of one conversation's parts, applying writes as the adapters do (ST41). */
class PartsStore {
  version: string | undefined;
  parts = new Map<string, Uint8Array>();
  lastWrite: { kind: string; keys: string[] } = { kind: "", keys: [] };
  put(state: StoredGroupState): void {
    const writes = groupStateWrites(this.version, state);
    if (writes.kind === "replace") this.parts.clear();
    else for (const key of writes.remove) this.parts.delete(key);
    for (const [key, value] of writes.put) this.parts.set(key, value.slice());
    this.version = state.version;
    this.lastWrite = { kind: writes.kind, keys: writes.put.map(([key]) => key) };
  }
  get(): StoredGroupState {
    return { version: this.version!, parts: new Map(this.parts) };
  }
}

async function trio() {
  const alice = new Device(engine, "alice@messenger", "deviceA");
  const bob = new Device(engine, "bob@whatsapp", "deviceB");
  const carol = new Device(engine, "carol@instagram", "deviceC");
  alice.state = (await engine.createGroup(alice.identity, new Uint8Array(16).fill(7))).state;
  const pending = await engine.createCommit(alice.identity, alice.state, {
    add: [await bob.publish(), await carol.publish()],
    removeDeviceIds: [],
  });
  alice.state = pending.newState;
  await bob.join(pending.welcome!);
  await carol.join(pending.welcome!);
  return { alice, bob, carol };
}

/** The whole blob (signature key left out): what "the same state" means here. */
const whole = (state: GroupState) => [...engine.serialize(state)];

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe("group state parts", () => {
  it("[ST40] a state saved incrementally step by step loads identically to the whole state", async () => {
    const { alice, bob, carol } = await trio();
    const store = new PartsStore();
    store.put(engine.saveState(bob.state));
    const fromAlice = await alice.send("one");
    const fromCarol = await carol.send("two");
    await bob.receive(fromAlice);
    store.put(engine.saveState(bob.state));
    await bob.receive(fromCarol);
    store.put(engine.saveState(bob.state));
    await bob.receive(await alice.send("three"));
    store.put(engine.saveState(bob.state));
    await bob.send("four");
    store.put(engine.saveState(bob.state));
    // A commit, then a message from the past epoch (ts-mls's historical receiver data).
    const late = await carol.send("late");
    const commit = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    alice.state = commit.newState;
    await bob.applyCommit(commit.commit);
    store.put(engine.saveState(bob.state));
    expect((await bob.receive(late)).text).toBe("late");
    store.put(engine.saveState(bob.state));
    await bob.receive(await alice.send("five"));
    store.put(engine.saveState(bob.state));

    const loaded = engine.loadState(store.get());
    expect(whole(loaded)).toEqual(whole(bob.state));
    // And it works: the next message decrypts from the loaded state.
    bob.state = loaded;
    expect((await bob.receive(await alice.send("six"))).text).toBe("six");
  });

  it("[ST42] an application message writes one secret-tree row, sent or received, after the first of its sender's epoch", async () => {
    const { alice, bob } = await trio();
    const store = new PartsStore();
    store.put(engine.saveState(bob.state));
    await bob.receive(await alice.send("hi"));
    store.put(engine.saveState(bob.state));
    expect(store.lastWrite.kind).toBe("delta");
    // [CM4] alice's first message expands the path from the root (node 3) to her leaf (node 0):
    // the root and her leaf change, and the siblings on the way get secrets (node 2, bob's leaf; node 5).
    // Node 1 was a placeholder and stays one: not rewritten.
    const epoch = bob.state.epoch;
    expect(store.lastWrite.keys.sort()).toEqual([0, 2, 3, 5].map((i) => `node/${epoch}/${i}`));
    await bob.send("back");
    store.put(engine.saveState(bob.state));
    expect(store.lastWrite.keys).toEqual([`node/${bob.state.epoch}/2`]); // bob is leaf 1: node 2
    // Again for the same sender: the same row, rewritten.
    await bob.receive(await alice.send("again"));
    store.put(engine.saveState(bob.state));
    expect(store.lastWrite.keys).toEqual([`node/${bob.state.epoch}/0`]);
    expect(whole(engine.loadState(store.get()))).toEqual(whole(bob.state));
  });

  it("[ST41] a commit writes the new epoch's core and trees, and drops rows of epochs ts-mls forgot", async () => {
    const { alice, bob, carol } = await trio();
    const store = new PartsStore();
    store.put(engine.saveState(bob.state));
    for (let i = 0; i < 6; i++) {
      await bob.receive(await alice.send(`m${i}`));
      store.put(engine.saveState(bob.state));
      const commit = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
      alice.state = commit.newState;
      await bob.applyCommit(commit.commit);
      store.put(engine.saveState(bob.state));
      expect(store.lastWrite.kind).toBe("delta");
      expect(store.lastWrite.keys.sort()).toEqual([
        "core",
        `ratchet/${bob.state.epoch}`,
        `tree/${bob.state.epoch}`,
      ]);
    }
    // ts-mls keeps 4 past epochs: the stored trees are those and the current one, no more.
    const trees = [...store.parts.keys()].filter((key) => key.startsWith("tree/"));
    expect(trees.length).toBe(5);
    expect([...store.parts.keys()].filter((key) => key.startsWith("ratchet/")).length).toBe(5);
    // The ratchet trees are in their own parts: "core" holds one node (alice's, the first), not carol's.
    expect(contains(store.parts.get("core")!, carol.identity.signaturePublicKey)).toBe(false);
    expect(contains(store.parts.get(`ratchet/${bob.state.epoch}`)!, alice.identity.signaturePublicKey)).toBe(
      true,
    );
    expect(whole(engine.loadState(store.get()))).toEqual(whole(bob.state));
  });

  it("[ST43] no part holds the device's signature key", async () => {
    const { alice, bob } = await trio();
    await bob.receive(await alice.send("hi"));
    for (const device of [alice, bob]) {
      const stored = engine.saveState(device.state);
      for (const part of stored.parts.values())
        expect(contains(part, device.identity.signaturePrivateKey)).toBe(false);
    }
  });

  it("[ST44] a migrated whole blob loads, and its next save replaces it with parts", async () => {
    const { alice, bob } = await trio();
    const store = new PartsStore();
    store.put({ version: "v1:c1", parts: new Map([[LEGACY_PART, engine.serialize(bob.state)]]) });
    const migrated = engine.loadState(store.get());
    expect(whole(migrated)).toEqual(whole(bob.state));
    bob.state = migrated;
    await bob.receive(await alice.send("after the upgrade"));
    store.put(engine.saveState(bob.state));
    expect(store.lastWrite.kind).toBe("replace");
    expect(store.parts.has(LEGACY_PART)).toBe(false);
    expect(whole(engine.loadState(store.get()))).toEqual(whole(bob.state));
  });

  it("[ST41] saving a state twice names the same version; a fallback to the stored state stays a delta", async () => {
    const { alice, bob } = await trio();
    const store = new PartsStore();
    const saved = engine.saveState(bob.state);
    store.put(saved);
    expect(engine.saveState(bob.state).version).toBe(saved.version);
    // A step whose write failed: its state is dropped, the stored one used again.
    const dropped = await engine.process(bob.identity, bob.state, await alice.send("lost write"));
    engine.saveState(dropped.newState);
    const again = await engine.process(bob.identity, bob.state, await alice.send("retried"));
    const next = engine.saveState(again.newState);
    expect(next.delta?.base).toBe(saved.version);
    store.put(next);
    expect(whole(engine.loadState(store.get()))).toEqual(whole(again.newState));
  });

  it("[ST40] corrupt parts are refused with MLS_INVALID_STATE", async () => {
    const { bob } = await trio();
    const stored = engine.saveState(bob.state);
    const missingTree = new Map([...stored.parts].filter(([key]) => !key.startsWith("tree/")));
    expect(thrownCode(() => engine.loadState({ version: "x", parts: missingTree }))).toBe(
      "MLS_INVALID_STATE",
    );
    const badNode = new Map([...stored.parts, [`node/${bob.state.epoch}/99999`, new Uint8Array([0])]]);
    expect(thrownCode(() => engine.loadState({ version: "y", parts: badNode }))).toBe("MLS_INVALID_STATE");
  });

  it("[ST40] any order of messages, late messages and commits: the stored parts load as the state", async () => {
    type Step = "alice" | "carol" | "bob" | "commit" | "late";
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Step>("alice", "carol", "bob", "commit", "late"), { maxLength: 12 }),
        async (steps) => {
          const { alice, bob, carol } = await trio();
          const store = new PartsStore();
          store.put(engine.saveState(bob.state));
          let late: Uint8Array | undefined;
          for (const step of steps) {
            if (step === "alice") await bob.receive(await alice.send("a"));
            else if (step === "carol") await bob.receive(await carol.send("c"));
            else if (step === "bob") await carol.receive(await bob.send("b"));
            else if (step === "commit") {
              late = await carol.send("sent before the commit");
              const commit = await engine.createCommit(alice.identity, alice.state, {
                add: [],
                removeDeviceIds: [],
              });
              alice.state = commit.newState;
              await bob.applyCommit(commit.commit);
              await carol.applyCommit(commit.commit);
            } else if (late !== undefined) {
              await bob.receive(late); // from the past epoch
              late = undefined;
            }
            store.put(engine.saveState(bob.state));
            expect(store.lastWrite.kind).toBe("delta");
          }
          expect(whole(engine.loadState(store.get()))).toEqual(whole(bob.state));
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});
