/**
 * The byte layouts of the trees in a stored group state (stateParts.ts):
 * secret trees and their nodes in a layout of our own, and ratchet trees as
 * ts-mls's node encoding framed one node at a time, so that the bytes of a
 * node the next epoch keeps are reused. Loops, not recursion: ts-mls's own
 * vector encoder recurses per element and overflows the stack at 10,000
 * members.
 */
import type { GenerationSecret, Node, RatchetTree, SecretTree, SecretTreeNode } from "ts-mls";
import { MlsEngineError } from "./errors.js";
import { decodeRatchetNode, encodeRatchetNode } from "./tsMlsInternals.js";

function corrupt(cause?: unknown): MlsEngineError {
  return new MlsEngineError("MLS_INVALID_STATE", "corrupt group state", { cause });
}

// Secret-tree nodes, in our own layout (no ts-mls codec internals):
// node: u8 present | generation secret (handshake) | generation secret (application)
// generation secret: u16 len secret | u32 generation | u32 count | count x (u32 generation, u16 len secret)

class Writer {
  bytes: Uint8Array;
  view: DataView;
  at = 0;
  constructor(size = 256) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    grown.set(this.bytes);
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.view.setUint8(this.at, v);
    this.at += 1;
  }
  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.at, v);
    this.at += 4;
  }
  data(v: Uint8Array): void {
    this.room(2 + v.length);
    this.view.setUint16(this.at, v.length);
    this.bytes.set(v, this.at + 2);
    this.at += 2 + v.length;
  }
  raw(v: Uint8Array): void {
    this.room(v.length);
    this.bytes.set(v, this.at);
    this.at += v.length;
  }
  done(): Uint8Array {
    return this.at === this.bytes.length ? this.bytes : this.bytes.slice(0, this.at);
  }
}

class Reader {
  at = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): void {
    if (this.at + n > this.bytes.length) throw corrupt();
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at);
    this.at += 4;
    return v;
  }
  data(): Uint8Array {
    this.need(2);
    const length = this.view.getUint16(this.at);
    this.need(2 + length);
    const v = this.bytes.slice(this.at + 2, this.at + 2 + length);
    this.at += 2 + length;
    return v;
  }
  end(): void {
    if (this.at !== this.bytes.length) throw corrupt();
  }
}

/** Each ratchet-tree node's encoding, kept while the node lives: ts-mls's trees share unchanged nodes. */
const nodeBytes = new WeakMap<Node, Uint8Array>();

function ratchetNodeBytes(node: Node): Uint8Array {
  let bytes = nodeBytes.get(node);
  if (bytes === undefined) {
    bytes = encodeRatchetNode(node);
    nodeBytes.set(node, bytes);
  }
  return bytes;
}

/** ratchet tree: u32 count | count x (u8 present | u32 len | ts-mls Node) */
export function encodeRatchet(tree: RatchetTree): Uint8Array {
  const encoded = tree.map((node) => (node === undefined ? undefined : ratchetNodeBytes(node)));
  const size = 4 + encoded.reduce((n, bytes) => n + 1 + (bytes === undefined ? 0 : 4 + bytes.length), 0);
  const w = new Writer(size);
  w.u32(tree.length);
  for (const bytes of encoded) {
    if (bytes === undefined) {
      w.u8(0);
      continue;
    }
    w.u8(1);
    w.u32(bytes.length);
    w.raw(bytes);
  }
  return w.done();
}

export function decodeRatchet(bytes: Uint8Array): RatchetTree {
  const r = new Reader(bytes);
  const length = r.u32();
  if (length > bytes.length) throw corrupt();
  const tree: RatchetTree = new Array<Node | undefined>(length);
  for (let i = 0; i < length; i++) {
    if (r.u8() === 0) {
      tree[i] = undefined; // a blank node, not a hole
      continue;
    }
    const size = r.u32();
    r.need(size);
    const own = bytes.slice(r.at, r.at + size);
    r.at += size;
    let decoded: ReturnType<typeof decodeRatchetNode>;
    try {
      decoded = decodeRatchetNode(own, 0);
    } catch (e) {
      throw corrupt(e);
    }
    if (decoded === undefined || decoded[1] !== size) throw corrupt();
    tree[i] = decoded[0];
    nodeBytes.set(decoded[0], own);
  }
  r.end();
  return tree;
}

function writeSecret(w: Writer, s: GenerationSecret): void {
  w.data(s.secret);
  w.u32(s.generation);
  const unused = Object.entries(s.unusedGenerations);
  w.u32(unused.length);
  for (const [generation, secret] of unused) {
    w.u32(Number(generation));
    w.data(secret);
  }
}

function readSecret(r: Reader): GenerationSecret {
  const secret = r.data();
  const generation = r.u32();
  const count = r.u32();
  const unusedGenerations: Record<number, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const g = r.u32();
    unusedGenerations[g] = r.data();
  }
  return { secret, generation, unusedGenerations };
}

function writeNode(w: Writer, node: SecretTreeNode | undefined): void {
  if (node === undefined) return w.u8(0);
  w.u8(1);
  writeSecret(w, node.handshake);
  writeSecret(w, node.application);
}

function readNode(r: Reader): SecretTreeNode | undefined {
  if (r.u8() === 0) return undefined;
  const handshake = readSecret(r);
  const application = readSecret(r);
  return { handshake, application };
}

export function encodeNode(node: SecretTreeNode | undefined): Uint8Array {
  const w = new Writer();
  writeNode(w, node);
  return w.done();
}

export function decodeNode(bytes: Uint8Array): SecretTreeNode {
  const r = new Reader(bytes);
  const node = readNode(r);
  r.end();
  return node as SecretTreeNode;
}

export function encodeTree(tree: SecretTree): Uint8Array {
  const w = new Writer();
  w.u32(tree.length);
  for (let i = 0; i < tree.length; i++) writeNode(w, tree[i]);
  return w.done();
}

export function decodeTree(bytes: Uint8Array): SecretTree {
  const r = new Reader(bytes);
  const length = r.u32();
  if (length > bytes.length) throw corrupt();
  const tree: SecretTree = new Array<SecretTreeNode>(length);
  for (let i = 0; i < length; i++) tree[i] = readNode(r) as SecretTreeNode;
  r.end();
  return tree;
}
