/**
 * The incremental stored form of a group state (SPEC ST40-ST44): parts a
 * LocalStore keeps by key, so that a step writes only what it changed.
 *
 * - "core": everything but the trees (group context, key schedule, private
 *   path, pending proposals, and the past epochs' receiver data without
 *   their trees). Small; changes on commits and proposals.
 * - "ratchet/<epoch>": the ratchet tree of the current epoch or of a past
 *   one ts-mls keeps. Nodes are encoded one by one and their bytes kept with
 *   the node, so a new epoch's tree (which shares every node but the
 *   committer's path with the last) costs a copy, not an encoding.
 * - "tree/<epoch>": the secret tree of the current epoch, or of a past epoch
 *   ts-mls keeps to read late messages, as it was when first saved.
 * - "node/<epoch>/<index>": a secret-tree node that changed since: a
 *   message rewrites only its sender's leaf row (ST42).
 * - "v1": a whole state in the format before these parts (state.ts), as
 *   migrated profiles hold it until their next save (ST44).
 *
 * A saved or loaded state remembers its layout; a state derived from it
 * diffs against that layout by reference (ts-mls states are immutable and
 * share what did not change), so saving after a message costs one node's
 * encoding, whatever the group's size. Like state.ts, no part holds the
 * device's signature key (ST43).
 */
import { decodeGroupState, encodeGroupState } from "ts-mls";
import type { ClientConfig, ClientState, RatchetTree, SecretTree } from "ts-mls";
import type { StoredGroupState } from "../store/groupStateParts.js";
import { MlsEngineError } from "./errors.js";
import { EngineGroupState, deserializeGroupState } from "./state.js";
import {
  decodeNode,
  decodeRatchet,
  decodeTree,
  encodeNode,
  encodeRatchet,
  encodeTree,
} from "./statePartCodec.js";

const CORE_FORMAT = 2;
export const CORE_PART = "core";
export const LEGACY_PART = "v1";
const TREE = "tree/";
const RATCHET = "ratchet/";
const ratchetKey = (epoch: bigint) => `${RATCHET}${epoch}`;
const NODE = "node/";
const treeKey = (epoch: bigint) => `${TREE}${epoch}`;
const nodeKey = (epoch: bigint, index: number) => `${NODE}${epoch}/${index}`;

/** What a saved or loaded state was stored as: the base the next save diffs against. */
export interface StoredLayout {
  /** The ts-mls state this layout describes. */
  readonly client: ClientState;
  readonly version: string;
  readonly parts: ReadonlyMap<string, Uint8Array>;
  /** The objects "core" was encoded from. */
  readonly coreRefs: readonly unknown[];
  /** Each epoch's secret tree as of this layout. */
  readonly trees: ReadonlyMap<bigint, SecretTree>;
  /** Each epoch's ratchet tree. */
  readonly ratchets: ReadonlyMap<bigint, RatchetTree>;
}

// Versions: a random per-process prefix and a counter, so no two saved states share one.
const prefix = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(8)), (b) =>
  b.toString(16).padStart(2, "0"),
).join("");
let counter = 0;
const nextVersion = () => `${prefix}.${(counter++).toString(36)}`;

type Historical = ClientState["historicalReceiverData"];

function treesOf(client: ClientState): Map<bigint, SecretTree> {
  const trees = new Map<bigint, SecretTree>();
  for (const [epoch, data] of client.historicalReceiverData) trees.set(epoch, data.secretTree);
  trees.set(client.groupContext.epoch, client.secretTree);
  return trees;
}

function ratchetsOf(client: ClientState): Map<bigint, RatchetTree> {
  const trees = new Map<bigint, RatchetTree>();
  for (const [epoch, data] of client.historicalReceiverData) trees.set(epoch, data.ratchetTree);
  trees.set(client.groupContext.epoch, client.ratchetTree);
  return trees;
}

function coreRefsOf(client: ClientState): unknown[] {
  const refs: unknown[] = [
    client.groupContext,
    client.keySchedule,
    client.privatePath,
    client.unappliedProposals,
    client.confirmationTag,
    client.groupActiveState,
  ];
  for (const [epoch, data] of client.historicalReceiverData)
    refs.push(epoch, data.groupContext, data.senderDataSecret, data.resumptionPsk);
  return refs;
}

const sameRefs = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

/**
 * What "core" holds in place of a ratchet tree (its own part): ts-mls
 * decodes no empty tree, so one node of it (the first non-blank one).
 */
function placeholder(tree: RatchetTree): RatchetTree {
  const node = tree.find((n) => n !== undefined);
  return node === undefined ? [] : [node];
}

function encodeCore(client: ClientState): Uint8Array {
  const historical: Historical = new Map();
  for (const [epoch, data] of client.historicalReceiverData)
    historical.set(epoch, { ...data, secretTree: [], ratchetTree: placeholder(data.ratchetTree) });
  const body = encodeGroupState({
    ...client,
    signaturePrivateKey: new Uint8Array(0),
    secretTree: [],
    ratchetTree: placeholder(client.ratchetTree),
    historicalReceiverData: historical,
  });
  const out = new Uint8Array(1 + body.length);
  out[0] = CORE_FORMAT;
  out.set(body, 1);
  return out;
}

/** The stored form of `state`, with a delta against the layout it was derived from. */
export function saveParts(state: EngineGroupState): StoredGroupState {
  const client = state.client;
  const base = state.storedLayout;
  if (base !== undefined && base.client === client) return { version: base.version, parts: base.parts };
  const parts = new Map<string, Uint8Array>();
  const coreRefs = coreRefsOf(client);
  const baseCore = base?.parts.get(CORE_PART);
  parts.set(
    CORE_PART,
    baseCore !== undefined && sameRefs(base!.coreRefs, coreRefs) ? baseCore : encodeCore(client),
  );
  const ratchets = ratchetsOf(client);
  for (const [epoch, ratchet] of ratchets) {
    const baseRatchet = base?.parts.get(ratchetKey(epoch));
    parts.set(
      ratchetKey(epoch),
      baseRatchet !== undefined && base!.ratchets.get(epoch) === ratchet
        ? baseRatchet
        : encodeRatchet(ratchet),
    );
  }
  const trees = treesOf(client);
  const carried = new Set<string>();
  for (const [epoch, tree] of trees) {
    const before = base?.trees.get(epoch);
    const baseTree = base?.parts.get(treeKey(epoch));
    if (before === undefined || baseTree === undefined || before.length !== tree.length) {
      parts.set(treeKey(epoch), encodeTree(tree));
      continue;
    }
    parts.set(treeKey(epoch), baseTree);
    carried.add(`${NODE}${epoch}/`);
    if (before === tree) continue;
    for (let i = 0; i < tree.length; i++) {
      if (tree[i] !== before[i]) parts.set(nodeKey(epoch, i), encodeNode(tree[i]));
    }
  }
  if (base !== undefined) {
    for (const [key, value] of base.parts) {
      if (key.startsWith(NODE) && !parts.has(key) && carried.has(key.slice(0, key.lastIndexOf("/") + 1)))
        parts.set(key, value);
    }
  }
  const version = nextVersion();
  state.storedLayout = { client, version, parts, coreRefs, trees, ratchets };
  if (base === undefined || base.parts.has(LEGACY_PART)) return { version, parts };
  const changed = [...parts.keys()].filter((key) => parts.get(key) !== base.parts.get(key));
  const removed = [...base.parts.keys()].filter((key) => !parts.has(key));
  return { version, parts, delta: { base: base.version, changed, removed } };
}

/** The state stored as `stored` (parts, or a migrated whole state). */
export function loadParts(stored: StoredGroupState, clientConfig: ClientConfig): EngineGroupState {
  const legacy = stored.parts.get(LEGACY_PART);
  if (legacy !== undefined) {
    const state = deserializeGroupState(legacy, clientConfig);
    // Saved next as a full replacement: no delta against a "v1" part.
    state.storedLayout = {
      client: state.client,
      version: stored.version,
      parts: stored.parts,
      coreRefs: [],
      trees: new Map(),
      ratchets: new Map(),
    };
    return state;
  }
  const coreBytes = stored.parts.get(CORE_PART);
  if (coreBytes === undefined || coreBytes[0] !== CORE_FORMAT) throw corrupt();
  let decoded: ReturnType<typeof decodeGroupState>;
  try {
    decoded = decodeGroupState(coreBytes, 1);
  } catch (e) {
    throw corrupt(e);
  }
  if (decoded === undefined || decoded[1] !== coreBytes.length - 1) throw corrupt();
  const core = decoded[0];
  const trees = new Map<bigint, SecretTree>();
  const ratchets = new Map<bigint, RatchetTree>();
  const epochs = [...core.historicalReceiverData.keys(), core.groupContext.epoch];
  for (const epoch of epochs) {
    const bytes = stored.parts.get(treeKey(epoch));
    const ratchet = stored.parts.get(ratchetKey(epoch));
    if (bytes === undefined || ratchet === undefined) throw corrupt();
    trees.set(epoch, decodeTree(bytes));
    ratchets.set(epoch, decodeRatchet(ratchet));
  }
  for (const [key, value] of stored.parts) {
    if (!key.startsWith(NODE)) continue;
    const [epochText, indexText] = key.slice(NODE.length).split("/");
    const tree = trees.get(BigInt(epochText!));
    const index = Number(indexText);
    if (tree === undefined || !Number.isInteger(index) || index < 0 || index >= tree.length) throw corrupt();
    tree[index] = decodeNode(value);
  }
  const historical: Historical = new Map();
  for (const [epoch, data] of core.historicalReceiverData)
    historical.set(epoch, { ...data, secretTree: trees.get(epoch)!, ratchetTree: ratchets.get(epoch)! });
  const client: ClientState = {
    ...core,
    secretTree: trees.get(core.groupContext.epoch)!,
    ratchetTree: ratchets.get(core.groupContext.epoch)!,
    historicalReceiverData: historical,
    clientConfig,
  };
  const state = new EngineGroupState(client);
  state.storedLayout = {
    client,
    version: stored.version,
    parts: stored.parts,
    coreRefs: coreRefsOf(client),
    trees: treesOf(client),
    ratchets: ratchetsOf(client),
  };
  return state;
}

function corrupt(cause?: unknown): MlsEngineError {
  return new MlsEngineError("MLS_INVALID_STATE", "corrupt group state", { cause });
}
