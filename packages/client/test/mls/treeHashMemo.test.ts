/**
 * [CM5] Subtree hashes are remembered across trees, and [CM6] node encodings
 * by node object (patches/ts-mls+1.6.4.patch): the results must be exactly
 * what RFC 9420 §7.8 / §12.4.3.1 give when everything is computed afresh,
 * and a commit's tree must cost hashes for the nodes it changed only.
 */
import { describe, expect, it } from "vitest";
import type { Hash, RatchetTree } from "ts-mls";
import { encode } from "ts-mls/codec/tlsEncoder.js";
import { decodeRatchetTree, encodeRatchetTree } from "ts-mls/ratchetTree.js";
import { leafNodeHashInputEncoder, parentNodeHashInputEncoder, treeHashRoot } from "ts-mls/treeHash.js";
import { isLeaf, left, nodeToLeafIndex, right, rootFromNodeWidth, toNodeIndex } from "ts-mls/treemath.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { asEngineState } from "../../src/mls/state.js";
import { nodeSha256 } from "../../src/crypto/nodeSha256.js";
import { Device } from "./fixtures.js";

/** RFC 9420 §7.8 tree hash, from scratch: every node encoded and hashed, nothing remembered. */
async function referenceTreeHash(tree: RatchetTree, at: number): Promise<Uint8Array> {
  const index = toNodeIndex(at);
  const node = tree[index];
  if (isLeaf(index)) {
    const leafNode = node?.nodeType === "leaf" ? node.leaf : undefined;
    return nodeSha256.digest(
      encode(leafNodeHashInputEncoder)({ nodeType: "leaf", leafIndex: nodeToLeafIndex(index), leafNode }),
    );
  }
  const parentNode = node?.nodeType === "parent" ? node.parent : undefined;
  return nodeSha256.digest(
    encode(parentNodeHashInputEncoder)({
      nodeType: "parent",
      parentNode,
      leftHash: await referenceTreeHash(tree, left(index)),
      rightHash: await referenceTreeHash(tree, right(index)),
    }),
  );
}
const referenceRoot = (tree: RatchetTree) => referenceTreeHash(tree, rootFromNodeWidth(tree.length));

/** SHA-256 that counts its calls: a fresh object, so nothing is remembered for it yet. */
function countingSha256(): Hash & { calls: number } {
  const h = {
    calls: 0,
    ...nodeSha256,
    async digest(data: Uint8Array) {
      h.calls++;
      return nodeSha256.digest(data);
    },
  };
  return h;
}

async function group(size: number) {
  const engine = await createTsMlsEngine({ crypto: "node" });
  const alice = new Device(engine, "alice@messenger", "deviceA");
  const others = Array.from(
    { length: size - 1 },
    (_, i) => new Device(engine, `user${i}@messenger`, `d${i}`),
  );
  alice.state = (await engine.createGroup(alice.identity, crypto.getRandomValues(new Uint8Array(16)))).state;
  const pending = await engine.createCommit(alice.identity, alice.state, {
    add: await Promise.all(others.map((d) => d.publish())),
    removeDeviceIds: [],
  });
  alice.state = pending.newState;
  const bob = others[0]!;
  await bob.join(pending.welcome!);
  return { engine, alice, bob, others };
}

const treeOf = (state: unknown) => asEngineState(state as never).client.ratchetTree;
const contextHashOf = (state: unknown) => asEngineState(state as never).client.groupContext.treeHash;

describe("[CM5] remembered subtree hashes", () => {
  it("[CM5] give the tree hash computed from scratch, after adds, removes and updates", async () => {
    const { engine, alice, bob, others } = await group(11);
    expect(await referenceRoot(treeOf(bob.state))).toEqual(contextHashOf(bob.state));
    const steps = [
      { add: [], removeDeviceIds: [others[5]!.deviceId] },
      { add: [await new Device(engine, "new@messenger", "n1").publish()], removeDeviceIds: [] },
      { add: [], removeDeviceIds: [] },
      { add: [], removeDeviceIds: [others[2]!.deviceId, others[9]!.deviceId] },
    ];
    for (const change of steps) {
      const pending = await engine.createCommit(alice.identity, alice.state, change);
      alice.state = pending.newState;
      await bob.applyCommit(pending.commit);
      const tree = treeOf(bob.state);
      expect(contextHashOf(bob.state)).toEqual(contextHashOf(alice.state));
      expect(await referenceRoot(tree)).toEqual(contextHashOf(bob.state));
      expect(await treeHashRoot(tree, nodeSha256)).toEqual(contextHashOf(bob.state));
    }
  });

  it("[CM5] a commit's tree costs hashes for the nodes it changed, not the whole tree", async () => {
    const { engine, alice, bob, others } = await group(16);
    const h = countingSha256();
    await treeHashRoot(treeOf(bob.state), h);
    expect(h.calls).toBe(31); // 16 leaves, 15 parents: everything, once
    const pending = await engine.createCommit(alice.identity, alice.state, {
      add: [],
      removeDeviceIds: [others[9]!.deviceId],
    });
    await bob.applyCommit(pending.commit);
    h.calls = 0;
    expect(await treeHashRoot(treeOf(bob.state), h)).toEqual(contextHashOf(bob.state));
    // The removed leaf and its direct path, alice's leaf and her direct path: 2 x (1 + 4) at most.
    expect(h.calls).toBeGreaterThan(0);
    expect(h.calls).toBeLessThanOrEqual(10);
  });
});

describe("[CM6] remembered node encodings", () => {
  it("[CM6] a tree encodes to the same bytes as a copy whose nodes were never encoded or decoded", async () => {
    const { engine, alice, bob } = await group(6);
    const pending = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    await bob.applyCommit(pending.commit);
    const tree = treeOf(bob.state); // decoded from the Welcome, then changed by the commit
    const fresh = encodeRatchetTree(structuredClone(tree));
    expect(encodeRatchetTree(tree)).toEqual(fresh);
    const decoded = decodeRatchetTree(fresh, 0)![0];
    expect(encodeRatchetTree(decoded)).toEqual(fresh);
    expect(await treeHashRoot(decoded, countingSha256())).toEqual(contextHashOf(bob.state));
  });
});
