/**
 * Reading devices out of a ratchet tree: who is a member, and at which leaf.
 * Leaf i of the tree is node 2i (RFC 9420 Appendix C).
 */
import type { LeafNode, RatchetTree } from "ts-mls";
import { parseCredential } from "./credential.js";
import type { GroupMember } from "./engine.js";
import { MlsEngineError } from "./errors.js";

// A leaf's device, parsed once per LeafNode (leaves are immutable): every message names its sender.
const devices = new WeakMap<LeafNode, ReturnType<typeof parseCredential>>();

function deviceOf(leaf: LeafNode): ReturnType<typeof parseCredential> {
  if (devices.has(leaf)) return devices.get(leaf);
  const device = parseCredential(leaf.credential);
  devices.set(leaf, device);
  return device;
}

function toMember(leaf: LeafNode, leafIndex: number): GroupMember {
  const device = deviceOf(leaf);
  // The authentication service refused every other credential before it reached a tree.
  if (device === undefined)
    throw new MlsEngineError("MLS_INVALID_CREDENTIAL", `leaf ${leafIndex} has no device credential`);
  return {
    leafIndex,
    address: device.address,
    deviceId: device.deviceId,
    signaturePublicKey: leaf.signaturePublicKey.slice(),
  };
}

export function leafAt(tree: RatchetTree, leafIndex: number): LeafNode | undefined {
  const node = tree[leafIndex * 2];
  return node?.nodeType === "leaf" ? node.leaf : undefined;
}

export function memberAt(tree: RatchetTree, leafIndex: number): GroupMember {
  const leaf = leafAt(tree, leafIndex);
  if (leaf === undefined) throw new MlsEngineError("MLS_INVALID_MESSAGE", `no member at leaf ${leafIndex}`);
  return toMember(leaf, leafIndex);
}

export function membersOf(tree: RatchetTree): GroupMember[] {
  const members: GroupMember[] = [];
  for (let nodeIndex = 0; nodeIndex < tree.length; nodeIndex += 2) {
    const node = tree[nodeIndex];
    if (node?.nodeType === "leaf") members.push(toMember(node.leaf, nodeIndex / 2));
  }
  return members;
}

/** Leaf indices of the given devices; throws for a device that is not a member. */
export function leavesOfDevices(members: GroupMember[], deviceIds: Iterable<string>): number[] {
  const leaves: number[] = [];
  for (const deviceId of deviceIds) {
    const matching = members.filter((m) => m.deviceId === deviceId);
    if (matching.length === 0)
      throw new MlsEngineError("MLS_INVALID_ARGUMENT", `device ${deviceId} is not a member`);
    leaves.push(...matching.map((m) => m.leafIndex));
  }
  return leaves;
}
