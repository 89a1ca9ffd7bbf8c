/**
 * [CM3] An epoch's secret tree holds ratchets for member leaves only
 * (patches/ts-mls+1.6.4.patch): parents and blank leaves never send in
 * that epoch (RFC 9420 §9.1).
 */
import { describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { asEngineState } from "../../src/mls/state.js";
import { Device } from "./fixtures.js";

describe("[CM3] the secret tree", () => {
  it("[CM3] has ratchets at member leaves and empty placeholders at parent nodes and blank leaves, and members still talk", async () => {
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

    const tree = asEngineState(bob.state).client.secretTree;
    expect(tree).toHaveLength(7); // four leaf slots (three members), three parents
    const ratchetTree = asEngineState(bob.state).client.ratchetTree;
    expect(ratchetTree[6]).toBeUndefined(); // the fourth leaf slot is blank
    tree.forEach((node, index) => {
      const length = index % 2 === 0 && ratchetTree[index] !== undefined ? 32 : 0;
      expect(node.application.secret).toHaveLength(length);
      expect(node.handshake.secret).toHaveLength(length);
    });

    const { message } = await engine.encrypt(alice.identity, alice.state, new TextEncoder().encode("hi"));
    const read = await engine.process(bob.identity, bob.state, message);
    expect(read.kind === "application" && new TextDecoder().decode(read.plaintext)).toBe("hi");
  });
});
