/**
 * A joiner still validates the whole ratchet tree (SPEC CM1) now that
 * ts-mls's tree and parent hashes are cached (patches/ts-mls+1.6.4.patch):
 * a tree with a bad leaf signature, a bad parent hash, a swapped key or
 * swapped leaves is refused with ts-mls's typed error, which the engine
 * reports as MLS_INVALID_MESSAGE. The untouched tree is accepted, so each
 * refusal comes from the change made to it.
 *
 * The tree reaches the joiner beside the Welcome (no ratchet_tree
 * extension), as a server-delivered tree would, so the test can alter it
 * while the Welcome and its signed GroupInfo stay genuine.
 */
import {
  createCommit,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  makePskIndex,
  type CiphersuiteImpl,
  type ClientState,
  type KeyPackage,
  type RatchetTree,
  type Welcome,
} from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { nodeCryptoProvider } from "../../src/crypto/nodeCryptoProvider.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import type { GroupEngine } from "../../src/mls/index.js";
import { isRejection } from "../../src/mls/errors.js";
import { asEngineState, decodePrivateKeyPackage, withSigner } from "../../src/mls/state.js";
import { CIPHERSUITE } from "../../src/mls/tsMlsEngine.js";
import { CryptoVerificationError, ValidationError } from "../../src/mls/tsMlsInternals.js";
import { decodeMessageOf } from "../../src/mls/wire.js";
import { Device } from "./fixtures.js";

interface Setup {
  cs: CiphersuiteImpl;
  welcome: Welcome;
  keyPackage: KeyPackage;
  keys: ReturnType<typeof decodePrivateKeyPackage>;
  newcomer: Device;
  tree: RatchetTree;
}

/**
 * Five devices; alice commits an update (her direct path gets keys and
 * parent hashes), then adds a sixth device without a path, so the newcomer
 * sits in its ancestors' unmerged_leaves: both ways of finding a sibling's
 * original tree hash (cached, and recomputed without unmerged leaves) run.
 */
async function setUp(engine: GroupEngine): Promise<Setup> {
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE), nodeCryptoProvider);
  const alice = new Device(engine, "alice@messenger", "deviceA");
  const others = [1, 2, 3, 4].map((n) => new Device(engine, `user${n}@messenger`, `device${n}`));
  alice.state = (await engine.createGroup(alice.identity, crypto.getRandomValues(new Uint8Array(16)))).state;
  const added = await engine.createCommit(alice.identity, alice.state, {
    add: await Promise.all(others.map((d) => d.publish())),
    removeDeviceIds: [],
  });
  const update = await engine.createCommit(alice.identity, added.newState, { add: [], removeDeviceIds: [] });
  const newcomer = new Device(engine, "newcomer@messenger", "deviceN");
  const generated = await engine.generateKeyPackage(newcomer.identity);
  const { keyPackage } = decodeMessageOf(generated.publicMessage, "mls_key_package");
  const client: ClientState = withSigner(asEngineState(update.newState), alice.identity.signaturePrivateKey);
  const result = await createCommit(
    { state: client, cipherSuite: cs, pskIndex: makePskIndex(client, {}) },
    {
      wireAsPublicMessage: true,
      ratchetTreeExtension: false,
      extraProposals: [{ proposalType: "add", add: { keyPackage } }],
    },
  );
  return {
    cs,
    welcome: result.welcome!,
    keyPackage,
    keys: decodePrivateKeyPackage(generated.privateState),
    newcomer,
    tree: result.newState.ratchetTree,
  };
}

/** A deep copy of the tree (fresh objects, as a decoded tree has), changed by `change`. */
function altered(tree: RatchetTree, change: (copy: RatchetTree) => void): RatchetTree {
  const copy = tree.map((node) => (node === undefined ? undefined : structuredClone(node)));
  change(copy);
  return copy;
}

function leafAt(tree: RatchetTree, leafIndex: number) {
  const node = tree[leafIndex * 2];
  if (node?.nodeType !== "leaf") throw new Error(`no leaf at ${leafIndex}`);
  return node.leaf;
}

/** Non-blank parent nodes with a non-empty parent hash (below the root). */
function parentsWithParentHash(tree: RatchetTree) {
  return tree.flatMap((node) =>
    node?.nodeType === "parent" && node.parent.parentHash.length > 0 ? [node.parent] : [],
  );
}

describe("[CM1] a joiner validates the whole ratchet tree", () => {
  let engine: GroupEngine;
  let s: Setup;
  const join = (tree: RatchetTree) =>
    joinGroup(
      s.welcome,
      s.keyPackage,
      { ...s.keys, signaturePrivateKey: s.newcomer.identity.signaturePrivateKey },
      makePskIndex(undefined, {}),
      s.cs,
      tree,
    );
  /** The typed error joining with `tree` fails with; the engine reports it as MLS_INVALID_MESSAGE. */
  async function refusal(tree: RatchetTree): Promise<Error> {
    try {
      await join(tree);
    } catch (e) {
      expect(isRejection(e)).toBe(true);
      return e as Error;
    }
    throw new Error("the altered tree was accepted");
  }

  beforeAll(async () => {
    engine = await createTsMlsEngine({ crypto: "node" });
    s = await setUp(engine);
  });

  it("[CM1] accepts the genuine tree, unmerged leaves included", async () => {
    expect(parentsWithParentHash(s.tree).length).toBeGreaterThan(0);
    expect(s.tree.some((n) => n?.nodeType === "parent" && n.parent.unmergedLeaves.length > 0)).toBe(true);
    const client = await join(altered(s.tree, () => {}));
    expect(client.ratchetTree.filter((n) => n?.nodeType === "leaf")).toHaveLength(6);
  });

  it("[CM1] refuses a leaf whose signature is bad (CryptoVerificationError)", async () => {
    const e = await refusal(altered(s.tree, (t) => void (leafAt(t, 2).signature[0]! ^= 1)));
    expect(e).toBeInstanceOf(CryptoVerificationError);
    expect(e.message).toMatch(/leaf node signature/);
  });

  it("[CM1] refuses a parent node whose parent hash is bad (CryptoVerificationError)", async () => {
    const e = await refusal(altered(s.tree, (t) => void (parentsWithParentHash(t)[0]!.parentHash[0]! ^= 1)));
    expect(e).toBeInstanceOf(CryptoVerificationError);
    expect(e.message).toMatch(/parent hash/);
  });

  it("[CM1] refuses a parent node whose key was replaced (its child's parent hash no longer holds)", async () => {
    const e = await refusal(
      altered(s.tree, (t) => {
        const parent = t.find((n) => n?.nodeType === "parent");
        if (parent?.nodeType !== "parent") throw new Error("no parent node");
        parent.parent.hpkePublicKey = crypto.getRandomValues(new Uint8Array(32));
      }),
    );
    expect(e).toBeInstanceOf(CryptoVerificationError);
  });

  it("[CM1] refuses a tree with two members' leaves swapped (ValidationError or CryptoVerificationError)", async () => {
    const e = await refusal(
      altered(s.tree, (t) => {
        [t[4], t[6]] = [t[6], t[4]];
      }),
    );
    expect(e instanceof ValidationError || e instanceof CryptoVerificationError).toBe(true);
  });

  it("[CM1] refuses a leaf with a blanked-out sibling subtree (tree hash mismatch)", async () => {
    const e = await refusal(altered(s.tree, (t) => void (t[8] = undefined)));
    expect(e instanceof ValidationError || e instanceof CryptoVerificationError).toBe(true);
  });
});
