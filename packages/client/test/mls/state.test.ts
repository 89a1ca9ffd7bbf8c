/**
 * Used secrets are zeroed (RFC 9420 §9.2, §16.8), but only once the state
 * that replaced them is adopted: until then the caller may fall back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../src/mls/index.js";
import type { GroupEngine } from "../../src/mls/index.js";
import type { EngineGroupState } from "../../src/mls/state.js";
import { decodePrivateKeyPackage, encodePrivateKeyPackage } from "../../src/mls/state.js";
import { Device, codeOf, thrownCode } from "./fixtures.js";

const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);
const client = (state: unknown) => (state as EngineGroupState).client;

let engine: GroupEngine;
beforeAll(async () => {
  engine = await createTsMlsEngine({ crypto: "node" });
});

async function pair() {
  const alice = new Device(engine, "alice@messenger", "deviceA");
  const bob = new Device(engine, "bob@whatsapp", "deviceB");
  alice.state = (await engine.createGroup(alice.identity, new Uint8Array(16).fill(3))).state;
  const pending = await engine.createCommit(alice.identity, alice.state, {
    add: [await bob.publish()],
    removeDeviceIds: [],
  });
  alice.state = pending.newState;
  await bob.join(pending.welcome!);
  return { alice, bob };
}

describe("zeroing used secrets", () => {
  it("wipes a sender's used ratchet secret when the next state is used, then refuses the old state", async () => {
    const { alice, bob } = await pair();
    // [CM4] the secret tree is derived lazily: the leaf's ratchet exists once it has sent.
    const s0 = alice.state;
    const treeSecret = client(s0).secretTree.find((node) => node.handshake.secret.length > 0)!.handshake
      .secret;
    await bob.receive(await alice.send("zero"));
    expect(isZero(treeSecret)).toBe(false); // s1 not used yet: s0 is still whole
    const s1 = alice.state;
    const ratchet = client(s1).secretTree[client(s1).privatePath.leafIndex * 2]!.application.secret;
    const first = await alice.send("one"); // uses s1: s0's tree secret goes
    expect(isZero(treeSecret)).toBe(true);
    expect(isZero(ratchet)).toBe(false); // s2 not used yet: s1 is still whole
    await bob.receive(first);
    await bob.receive(await alice.send("two")); // uses s2: s1's secrets go
    expect(isZero(ratchet)).toBe(true);
    expect(await codeOf(engine.encrypt(alice.identity, s1, new Uint8Array(1)))).toBe("MLS_INVALID_STATE");
  });

  it("wipes the old epoch's key schedule once the committed state is used, but keeps what late messages need", async () => {
    const { alice, bob } = await pair();
    const before = client(alice.state);
    const pending = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    const { initSecret, membershipKey, exporterSecret, senderDataSecret } = before.keySchedule;
    expect([initSecret, membershipKey, exporterSecret].some(isZero)).toBe(false);
    alice.state = pending.newState;
    await bob.applyCommit(pending.commit);
    await bob.receive(await alice.send("epoch 2"));
    expect([initSecret, membershipKey, exporterSecret].every(isZero)).toBe(true);
    expect(isZero(senderDataSecret)).toBe(false); // still decrypts epoch-1 stragglers
    expect(isZero(before.signaturePrivateKey)).toBe(false); // never the identity key
  });

  it("a pending commit that is never used leaves its base state whole", async () => {
    const { alice, bob } = await pair();
    const base = alice.state;
    await engine.createCommit(alice.identity, base, { add: [], removeDeviceIds: [] });
    expect(isZero(client(base).keySchedule.initSecret)).toBe(false);
    expect((await bob.receive(await alice.send("still here"))).text).toBe("still here");
  });
});

describe("key package private state", () => {
  it("round-trips and refuses corrupt bytes", () => {
    const keys = { initPrivateKey: new Uint8Array(32).fill(1), hpkePrivateKey: new Uint8Array(32).fill(2) };
    const bytes = encodePrivateKeyPackage(keys);
    expect(decodePrivateKeyPackage(bytes)).toEqual(keys);
    for (const bad of [
      new Uint8Array(0),
      bytes.subarray(0, 40),
      Uint8Array.of(2, ...bytes.subarray(1)),
      Uint8Array.of(...bytes, 0),
    ]) {
      expect(thrownCode(() => decodePrivateKeyPackage(bad))).toBe("MLS_INVALID_STATE");
    }
  });
});
