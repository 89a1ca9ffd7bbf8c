/**
 * [CM4] An epoch's secret tree is derived lazily (patches/ts-mls+1.6.4.patch):
 * it starts with the encryption secret at the root only, and the path from
 * the root to a leaf is expanded the first time that leaf sends or is read
 * (RFC 9420 §9.2: a tree secret goes once its children are derived). [CM3]
 * still holds: only member leaves ever get ratchets.
 */
import { describe, expect, it } from "vitest";
import { defaultPaddingConfig, getCiphersuiteFromName, getCiphersuiteImpl } from "ts-mls";
import { protectApplicationData } from "ts-mls/messageProtection.js";
import { nodeCryptoProvider } from "../../src/crypto/nodeCryptoProvider.js";
import { CIPHERSUITE } from "../../src/mls/tsMlsEngine.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { asEngineState } from "../../src/mls/state.js";
import { encodePrivateMessage } from "../../src/mls/wire.js";
import { Device, codeOf } from "./fixtures.js";

const UNEXPANDED = 0xffffffff;
const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

/** What each node of a state's secret tree holds: "-" nothing, "secret" an unexpanded tree secret, "ratchets". */
function shape(state: unknown): string[] {
  return asEngineState(state as never).client.secretTree.map((node) => {
    if (node.handshake.generation === UNEXPANDED) {
      expect(node.handshake.secret).toHaveLength(32);
      expect(node.application.secret).toHaveLength(0);
      return "secret";
    }
    if (node.handshake.secret.length === 0 && node.application.secret.length === 0) return "-";
    expect(node.handshake.secret).toHaveLength(32);
    expect(node.application.secret).toHaveLength(32);
    return "ratchets";
  });
}

describe("[CM4] the secret tree", () => {
  it("[CM4] holds the root secret only after a commit, expands one path per sender, and zeroes the secrets it used once the next state is used", async () => {
    const engine = await createTsMlsEngine({ crypto: "node" });
    const alice = new Device(engine, "alice@messenger", "deviceA");
    const bob = new Device(engine, "bob@messenger", "deviceB");
    const carol = new Device(engine, "carol@messenger", "deviceC");
    alice.state = (
      await engine.createGroup(alice.identity, crypto.getRandomValues(new Uint8Array(16)))
    ).state;
    const pending = await engine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish(), await carol.publish()],
      removeDeviceIds: [],
    });
    alice.state = pending.newState;
    await bob.join(pending.welcome!);
    await carol.join(pending.welcome!);

    // Four leaf slots (alice 0, bob 2, carol 4, blank 6), three parents (1, 3 the root, 5).
    expect(shape(bob.state)).toEqual(["-", "-", "-", "secret", "-", "-", "-"]);
    const rootSecret = asEngineState(bob.state).client.secretTree[3]!.handshake.secret;

    expect((await bob.receive(await alice.send("hi"))).text).toBe("hi");
    // Root -> 1 -> alice's leaf: the siblings on the way (bob's leaf 2, the right half 5) keep their secrets.
    expect(shape(bob.state)).toEqual(["ratchets", "-", "secret", "-", "-", "secret", "-"]);
    expect(isZero(rootSecret)).toBe(false); // the state before is not dead until this one is used

    expect((await bob.receive(await carol.send("hello"))).text).toBe("hello");
    expect(isZero(rootSecret)).toBe(true);
    // 5 -> carol's leaf 4; the blank leaf 6 gets a tree secret but never ratchets.
    expect(shape(bob.state)).toEqual(["ratchets", "-", "secret", "-", "ratchets", "-", "secret"]);

    await bob.send("back");
    expect(shape(bob.state)).toEqual(["ratchets", "-", "ratchets", "-", "ratchets", "-", "secret"]);
    expect((await alice.receive(await bob.send("again"))).text).toBe("again");
  });

  it("[CM4] a state saved before a path is expanded reads the sender's messages after it is loaded", async () => {
    const engine = await createTsMlsEngine({ crypto: "node" });
    const alice = new Device(engine, "alice@messenger", "deviceA");
    const bob = new Device(engine, "bob@messenger", "deviceB");
    alice.state = (
      await engine.createGroup(alice.identity, crypto.getRandomValues(new Uint8Array(16)))
    ).state;
    const pending = await engine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish()],
      removeDeviceIds: [],
    });
    alice.state = pending.newState;
    await bob.join(pending.welcome!);
    bob.state = engine.loadState(engine.saveState(bob.state));
    expect(shape(bob.state)).toEqual(["-", "secret", "-"]);
    expect((await bob.receive(await alice.send("stored"))).text).toBe("stored");
    bob.state = engine.deserialize(engine.serialize(bob.state));
    expect((await bob.receive(await alice.send("again"))).text).toBe("again");
  });

  it("[CM3] a message whose sender data names a blank leaf is refused, though a lazy tree could derive its ratchet", async () => {
    const engine = await createTsMlsEngine({ crypto: "node" });
    const [alice, bob, carol] = ["a", "b", "c"].map(
      (n) => new Device(engine, `${n}@messenger`, `device${n}`),
    );
    alice!.state = (
      await engine.createGroup(alice!.identity, crypto.getRandomValues(new Uint8Array(16)))
    ).state;
    const pending = await engine.createCommit(alice!.identity, alice!.state, {
      add: [await bob!.publish(), await carol!.publish()],
      removeDeviceIds: [],
    });
    alice!.state = pending.newState;
    await bob!.join(pending.welcome!);
    // Alice forges a message from leaf 3, the blank fourth slot, signed with her own key.
    const cs = await getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE), nodeCryptoProvider);
    const a = asEngineState(alice!.state).client;
    const forged = await protectApplicationData(
      alice!.identity.signaturePrivateKey,
      a.keySchedule.senderDataSecret,
      new TextEncoder().encode("from nobody"),
      new Uint8Array(0),
      a.groupContext,
      a.secretTree,
      3,
      defaultPaddingConfig,
      cs,
    );
    const before = bob!.state;
    expect(
      await codeOf(engine.process(bob!.identity, before, encodePrivateMessage(forged.privateMessage))),
    ).toBe("MLS_DECRYPT_FAILED");
    expect((await bob!.receive(await alice!.send("real"))).text).toBe("real");
  });
});
