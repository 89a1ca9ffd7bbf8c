/**
 * [CM11] The identity check asked on every operation remembers a passed
 * identity by its bytes (public key, seed digest), not by strings or object:
 * arrays changed in place after passing are checked again, so a seed that
 * is no longer the public key's is refused on the next message too.
 */
import { getCiphersuiteFromName, getCiphersuiteImpl } from "ts-mls";
import { describe, expect, it } from "vitest";
import { nodeCryptoProvider } from "../../src/crypto/nodeCryptoProvider.js";
import { IdentityCheck } from "../../src/mls/keyPackage.js";
import { CIPHERSUITE, createTsMlsEngine } from "../../src/mls/index.js";
import { Device, codeOf, makeIdentity } from "./fixtures.js";

describe("[CM11] identity check by bytes", () => {
  it("[CM11] refuses a seed changed in place after the identity passed, and passes it again once restored", async () => {
    const cs = await getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE), nodeCryptoProvider);
    const check = new IdentityCheck(cs);
    const carol = makeIdentity("carol@instagram", "deviceC");
    const other = makeIdentity("dave@instagram", "deviceD");
    await check.check(carol);
    const seed = carol.signaturePrivateKey.slice();
    carol.signaturePrivateKey.set(other.signaturePrivateKey);
    expect(await codeOf(check.check(carol))).toBe("MLS_INVALID_CREDENTIAL");
    carol.signaturePrivateKey.set(seed);
    await check.check(carol);
    // The public key changed in place, to another device's: not the seed's key either.
    carol.signaturePublicKey.set(other.signaturePublicKey);
    expect(await codeOf(check.check(carol))).toBe("MLS_INVALID_CREDENTIAL");
  });

  it("[CM11] process refuses an identity whose seed was swapped in place between two messages", async () => {
    const engine = await createTsMlsEngine({ crypto: "node" });
    const alice = new Device(engine, "alice@messenger", "deviceA");
    const bob = new Device(engine, "bob@whatsapp", "deviceB");
    alice.state = (await engine.createGroup(alice.identity, new Uint8Array(16).fill(3))).state;
    const added = await engine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish()],
      removeDeviceIds: [],
    });
    alice.state = added.newState;
    await bob.join(added.welcome!);
    const first = await alice.send("one");
    const second = await alice.send("two");
    const read = await engine.process(bob.identity, bob.state, first);
    const seed = bob.identity.signaturePrivateKey.slice();
    bob.identity.signaturePrivateKey.set(makeIdentity("eve@messenger", "deviceE").signaturePrivateKey);
    expect(await codeOf(engine.process(bob.identity, read.newState, second))).toBe("MLS_INVALID_CREDENTIAL");
    bob.identity.signaturePrivateKey.set(seed);
    const again = await engine.process(bob.identity, read.newState, second);
    expect(again.kind).toBe("application");
  });
});
