/**
 * [XP1] The disappearing-message timer lives in the GroupContext: a commit
 * with a GroupContextExtensions proposal changes it for every member (and
 * joiners get it with the group), keeping the hub's external_senders; a
 * GroupContextExtensions change of a standard extension is refused.
 */
import { createCommit, encodeMlsMessage, makePskIndex } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeTimer, encodeTimer } from "../../src/expiry/timer.js";
import { createTsMlsEngine, type GroupEngine } from "../../src/mls/index.js";
import { TIMER_EXTENSION } from "../../src/mls/groupExtensions.js";
import { asEngineState, withSigner } from "../../src/mls/state.js";
import { Device, codeOf, makeSigningKey } from "./fixtures.js";

let engine: GroupEngine;
beforeAll(async () => {
  engine = await createTsMlsEngine({ crypto: "node" });
});

const timerOf = (device: Device) => decodeTimer(engine.groupExtension(device.state, TIMER_EXTENSION));
const setTimer = (seconds: number | null) => ({
  add: [],
  removeDeviceIds: [],
  extensions: [{ type: TIMER_EXTENSION, data: encodeTimer(seconds) }],
});

async function groupOfTwo() {
  const alice = new Device(engine, "alice@messenger", "deviceA");
  const bob = new Device(engine, "bob@instagram", "deviceB");
  const hub = makeSigningKey();
  const created = await engine.createGroup(alice.identity, crypto.getRandomValues(new Uint8Array(16)), {
    externalSender: hub.publicKey,
  });
  alice.state = created.state;
  const added = await engine.createCommit(alice.identity, alice.state, {
    add: [await bob.publish()],
    removeDeviceIds: [],
  });
  alice.state = added.newState;
  await bob.join(added.welcome!);
  return { alice, bob };
}

describe("the timer in the group context", () => {
  it("[XP1] a commit sets it for every member and joiners; messages flow on; off takes it back", async () => {
    const { alice, bob } = await groupOfTwo();
    expect(timerOf(alice)).toBeNull();
    const pending = await engine.createCommit(alice.identity, alice.state, setTimer(3600));
    alice.state = pending.newState;
    const applied = await bob.applyCommit(pending.commit);
    expect(applied.addedDevices).toEqual([]);
    expect([timerOf(alice), timerOf(bob)]).toEqual([3600, 3600]);
    expect(await bob.receive(await alice.send("still here"))).toMatchObject({ text: "still here" });

    const carol = new Device(engine, "carol@whatsapp", "deviceC");
    const add = await engine.createCommit(bob.identity, bob.state, {
      add: [await carol.publish()],
      removeDeviceIds: [],
    });
    bob.state = add.newState;
    await alice.applyCommit(add.commit);
    await carol.join(add.welcome!);
    expect(timerOf(carol)).toBe(3600);

    // A device joining by external commit (a rejoin) gets it from the GroupInfo.
    const dave = new Device(engine, "dave@instagram", "deviceD");
    const joined = await engine.joinExternal(dave.identity, add.groupInfo);
    dave.state = joined.newState;
    for (const d of [alice, bob, carol]) await d.applyCommit(joined.commit);
    expect(timerOf(dave)).toBe(3600);

    const off = await engine.createCommit(carol.identity, carol.state, setTimer(null));
    carol.state = off.newState;
    for (const d of [alice, bob, dave]) await d.applyCommit(off.commit);
    expect([timerOf(alice), timerOf(bob), timerOf(carol), timerOf(dave)]).toEqual([null, null, null, null]);
  });

  it("[XP1] a GroupContextExtensions commit that drops the hub as external sender is refused", async () => {
    const { alice, bob } = await groupOfTwo();
    const cs = (engine as unknown as { cs: Parameters<typeof createCommit>[0]["cipherSuite"] }).cs;
    const client = withSigner(asEngineState(alice.state), alice.identity.signaturePrivateKey);
    const forged = await createCommit(
      { state: client, cipherSuite: cs, pskIndex: makePskIndex(client, {}) },
      {
        wireAsPublicMessage: true,
        extraProposals: [
          { proposalType: "group_context_extensions", groupContextExtensions: { extensions: [] } },
        ],
      },
    );
    const refused = bob.applyCommit(encodeMlsMessage(forged.commit));
    await expect(refused).rejects.toThrow(/change of a standard extension/);
    expect(await codeOf(refused)).toBe("MLS_UNSUPPORTED");
    // Bob's state is unchanged: Alice's own timer commit still applies.
    const pending = await engine.createCommit(alice.identity, alice.state, setTimer(300));
    await bob.applyCommit(pending.commit);
    expect(timerOf(bob)).toBe(300);
  });
});
