/** Everything the engine cannot process fails with a typed code, never garbage. */
import {
  defaultCapabilities,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
} from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { nodeCryptoProvider } from "../../src/crypto/nodeCryptoProvider.js";
import { CIPHERSUITE, MlsEngineError, createTsMlsEngine } from "../../src/mls/index.js";
import type { GroupEngine, PendingCommit } from "../../src/mls/index.js";
import { Device, codeOf, makeIdentity, thrownCode } from "./fixtures.js";

let engine: GroupEngine;
let alice: Device;
let bob: Device;
let added: PendingCommit;

beforeAll(async () => {
  engine = await createTsMlsEngine({ crypto: "node" });
  alice = new Device(engine, "alice@messenger", "deviceA");
  bob = new Device(engine, "bob@whatsapp", "deviceB");
  alice.state = (await engine.createGroup(alice.identity, new Uint8Array(16).fill(7))).state;
  added = await engine.createCommit(alice.identity, alice.state, {
    add: [await bob.publish()],
    removeDeviceIds: [],
  });
  alice.state = added.newState;
  await bob.join(added.welcome!);
});

describe("process refuses with a code", () => {
  it("MLS_DECODE_FAILED for junk, truncated or padded bytes, and for the wrong kind of message", async () => {
    const message = await alice.send("x");
    for (const junk of [
      new Uint8Array(0),
      Uint8Array.of(0, 1, 2),
      message.subarray(0, message.length - 1),
      Uint8Array.of(...message, 0),
    ]) {
      expect(await codeOf(engine.process(bob.identity, bob.state, junk))).toBe("MLS_DECODE_FAILED");
    }
    expect(await codeOf(engine.joinFromWelcome(bob.identity, message, async () => undefined))).toBe(
      "MLS_DECODE_FAILED",
    );
  });

  it("MLS_UNSUPPORTED for a Welcome or key package given to process", async () => {
    expect(await codeOf(engine.process(bob.identity, bob.state, added.welcome!))).toBe("MLS_UNSUPPORTED");
    expect(await codeOf(engine.process(bob.identity, bob.state, await bob.publish()))).toBe(
      "MLS_UNSUPPORTED",
    );
  });

  it("MLS_DECRYPT_FAILED for a tampered ciphertext, and the state is unchanged", async () => {
    const message = await alice.send("tamper me");
    const tampered = message.slice();
    tampered[tampered.length - 3]! ^= 0x40;
    const error = await engine.process(bob.identity, bob.state, tampered).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlsEngineError);
    expect((error as MlsEngineError).code).toBe("MLS_DECRYPT_FAILED");
    expect((await bob.receive(message)).text).toBe("tamper me");
  });

  it("MLS_OWN_MESSAGE for this device's own message or commit", async () => {
    const mine = await bob.send("mine");
    expect(await codeOf(engine.process(bob.identity, bob.state, mine))).toBe("MLS_OWN_MESSAGE");
    await alice.receive(mine);
    const before = alice.state;
    const pending = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    expect(await codeOf(engine.process(alice.identity, before, pending.commit))).toBe("MLS_OWN_MESSAGE");
  });

  it("MLS_WRONG_EPOCH for a message from the future, MLS_WRONG_GROUP for another group", async () => {
    // From a copy: using the pending state would supersede alice's real one.
    const copy = engine.deserialize(engine.serialize(alice.state));
    const pending = await engine.createCommit(alice.identity, copy, { add: [], removeDeviceIds: [] });
    const future = await engine.encrypt(alice.identity, pending.newState, new Uint8Array(3));
    expect(await codeOf(engine.process(bob.identity, bob.state, future.message))).toBe("MLS_WRONG_EPOCH");

    const other = (await engine.createGroup(alice.identity, new Uint8Array(16).fill(8))).state;
    const elsewhere = await engine.encrypt(alice.identity, other, new Uint8Array(3));
    expect(await codeOf(engine.process(bob.identity, bob.state, elsewhere.message))).toBe("MLS_WRONG_GROUP");
  });

  it("MLS_INVALID_MESSAGE for a commit whose signature does not verify", async () => {
    const pending = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    const forged = pending.commit.slice();
    forged[forged.length - 10]! ^= 1; // inside the signature / tags at the end
    expect(await codeOf(engine.process(bob.identity, bob.state, forged))).toMatch(
      /MLS_INVALID_MESSAGE|MLS_DECODE_FAILED/,
    );
    // The untouched commit still applies: nothing was consumed by the failure.
    expect((await bob.applyCommit(pending.commit)).sender?.deviceId).toBe("deviceA");
    alice.state = pending.newState;
  });
});

describe("caller mistakes", () => {
  it("MLS_INVALID_STATE for another device's state, a foreign object, or corrupt bytes", async () => {
    expect(await codeOf(engine.encrypt(bob.identity, alice.state, new Uint8Array(1)))).toBe(
      "MLS_INVALID_STATE",
    );
    expect(
      await codeOf(engine.encrypt(bob.identity, { groupId: new Uint8Array(1), epoch: 0 }, new Uint8Array(1))),
    ).toBe("MLS_INVALID_STATE");
    const blob = engine.serialize(bob.state);
    for (const bad of [
      new Uint8Array(0),
      Uint8Array.of(9, ...blob.subarray(1)),
      blob.subarray(0, blob.length - 1),
      Uint8Array.of(...blob, 0),
    ]) {
      expect(thrownCode(() => engine.deserialize(bad))).toBe("MLS_INVALID_STATE");
    }
  });

  it("MLS_INVALID_ARGUMENT for removing oneself, a non-member, or an empty group id", async () => {
    expect(
      await codeOf(
        engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: ["deviceA"] }),
      ),
    ).toBe("MLS_INVALID_ARGUMENT");
    expect(
      await codeOf(
        engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: ["nobody"] }),
      ),
    ).toBe("MLS_INVALID_ARGUMENT");
    expect(await codeOf(engine.createGroup(alice.identity, new Uint8Array(0)))).toBe("MLS_INVALID_ARGUMENT");
  });

  it("MLS_INVALID_CREDENTIAL for a malformed identity or a seed that is not the public key's", async () => {
    const stranger = makeIdentity("carol@instagram", "deviceC");
    expect(await codeOf(engine.generateKeyPackage({ ...stranger, address: "carol" }))).toBe(
      "MLS_INVALID_CREDENTIAL",
    );
    expect(await codeOf(engine.generateKeyPackage({ ...stranger, deviceId: "a/b" }))).toBe(
      "MLS_INVALID_CREDENTIAL",
    );
    expect(
      await codeOf(
        engine.generateKeyPackage({ ...stranger, signaturePrivateKey: alice.identity.signaturePrivateKey }),
      ),
    ).toBe("MLS_INVALID_CREDENTIAL");
  });

  it("MLS_KEY_PACKAGE_NOT_FOUND when no stored package matches the Welcome", async () => {
    expect(await codeOf(engine.joinFromWelcome(bob.identity, added.welcome!, async () => undefined))).toBe(
      "MLS_KEY_PACKAGE_NOT_FOUND",
    );
  });
});

describe("key packages", () => {
  it("carry the device's own Ed25519 key and credential, and mark last-resort ones", async () => {
    const { decodeMlsMessage } = await import("ts-mls");
    const kp = await engine.generateKeyPackage(alice.identity, { lastResort: true });
    const decoded = decodeMlsMessage(kp.publicMessage, 0)![0];
    if (decoded.wireformat !== "mls_key_package") throw new Error("not a key package");
    expect(
      Buffer.from(decoded.keyPackage.leafNode.signaturePublicKey).equals(
        Buffer.from(alice.identity.signaturePublicKey),
      ),
    ).toBe(true);
    expect(decoded.keyPackage.extensions.map((e) => e.extensionType)).toContain(0x000a);
    expect(kp.ref).toMatch(/^[0-9a-f]{64}$/);
  });

  it("MLS_INVALID_KEY_PACKAGE for junk, a non-device credential, or a member the SDK's verifier refuses", async () => {
    expect(
      await codeOf(
        engine.createCommit(alice.identity, alice.state, {
          add: [Uint8Array.of(1, 2, 3)],
          removeDeviceIds: [],
        }),
      ),
    ).toBe("MLS_INVALID_KEY_PACKAGE");

    // A well-signed package whose identity is not "<address>/<deviceId>".
    const cs = await nodeCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE));
    const other = makeIdentity("dave@instagram", "deviceD");
    const raw = await generateKeyPackageWithKey(
      { credentialType: "basic", identity: new TextEncoder().encode("dave") },
      defaultCapabilities(),
      { notBefore: 0n, notAfter: 2n ** 63n - 1n },
      [],
      { signKey: other.signaturePrivateKey, publicKey: other.signaturePublicKey },
      cs,
    );
    const bytes = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_key_package",
      keyPackage: raw.publicPackage,
    });
    expect(
      await codeOf(engine.createCommit(alice.identity, alice.state, { add: [bytes], removeDeviceIds: [] })),
    ).toBe("MLS_INVALID_KEY_PACKAGE");

    // The directory says this device is revoked: ts-mls's authentication service hook refuses it.
    const strict = await createTsMlsEngine({
      crypto: "node",
      verifyMember: ({ deviceId }) => deviceId !== "revoked",
    });
    const owner = new Device(strict, "erin@messenger", "deviceE");
    const revoked = new Device(strict, "erin@messenger", "revoked");
    owner.state = (await strict.createGroup(owner.identity, new Uint8Array(16).fill(9))).state;
    expect(
      await codeOf(
        strict.createCommit(owner.identity, owner.state, {
          add: [await revoked.publish()],
          removeDeviceIds: [],
        }),
      ),
    ).toBe("MLS_INVALID_KEY_PACKAGE");
  });
});
