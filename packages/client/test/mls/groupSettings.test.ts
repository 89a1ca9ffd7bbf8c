/**
 * [GR1] [GR2] [GR6] The engine's side of group settings and leaving: the
 * creator is admin, a rename is a commit every member reads, a member
 * refuses a non-admin's managing commit (even one the hub let through), and
 * a leave proposal is committed by another member.
 */
import { createCommit, decodeMlsMessage, encodeMlsMessage, makePskIndex } from "ts-mls";
import type { Proposal } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../src/mls/index.js";
import type { GroupEngine } from "../../src/mls/index.js";
import { asEngineState, withSigner } from "../../src/mls/state.js";
import { Device, codeOf } from "./fixtures.js";

const groupId = () => crypto.getRandomValues(new Uint8Array(16));
const ALICE = "alice@messenger";

describe("[GR2] group settings in the engine", () => {
  let engine: GroupEngine;
  beforeAll(async () => {
    engine = await createTsMlsEngine({ crypto: "node" });
  });

  async function group() {
    const alice = new Device(engine, ALICE, "deviceA");
    const bob = new Device(engine, "+14155550100@whatsapp", "deviceB");
    const carol = new Device(engine, "carol@instagram", "deviceC");
    alice.state = (
      await engine.createGroup(alice.identity, groupId(), {
        settings: { admins: [ALICE], everyoneManages: false },
      })
    ).state;
    const added = await engine.createCommit(alice.identity, alice.state, {
      add: [await bob.publish()],
      removeDeviceIds: [],
    });
    alice.state = added.newState;
    await bob.join(added.welcome!);
    return { alice, bob, carol };
  }

  it("[GR1] the creator is the admin; an admin change by an admin is read by every member", async () => {
    const { alice, bob } = await group();
    expect(engine.settings(bob.state)).toEqual({ admins: [ALICE], everyoneManages: false });
    const renamed = await engine.createCommit(alice.identity, alice.state, {
      add: [],
      removeDeviceIds: [],
      settings: { admins: [ALICE, "carol@instagram"], everyoneManages: false },
    });
    alice.state = renamed.newState;
    const seen = await engine.process(bob.identity, bob.state, renamed.commit);
    expect(seen).toMatchObject({ kind: "commit", settings: { admins: [ALICE, "carol@instagram"] } });
  });

  it("[GR2] a non-admin cannot make a managing commit, and members refuse one made around the engine", async () => {
    const { alice, bob, carol } = await group();
    const carolPackage = await carol.publish();
    expect(
      await codeOf(
        engine.createCommit(bob.identity, bob.state, { add: [carolPackage], removeDeviceIds: [] }),
      ),
    ).toBe("MLS_NOT_ADMIN");
    // Bob's commit made with ts-mls directly, as a modified client would.
    const client = withSigner(asEngineState(bob.state), bob.identity.signaturePrivateKey);
    const decoded = decodeMlsMessage(carolPackage, 0)![0];
    if (decoded.wireformat !== "mls_key_package") throw new Error("not a key package");
    const add: Proposal = { proposalType: "add", add: { keyPackage: decoded.keyPackage } };
    const cs = (engine as unknown as { cs: Parameters<typeof createCommit>[0]["cipherSuite"] }).cs;
    const forged = await createCommit(
      { state: client, cipherSuite: cs, pskIndex: makePskIndex(client, {}) },
      { wireAsPublicMessage: true, extraProposals: [add] },
    );
    expect(await codeOf(engine.process(alice.identity, alice.state, encodeMlsMessage(forged.commit)))).toBe(
      "MLS_NOT_ADMIN",
    );
  });

  it("[GR6] a member's leave proposals are kept by the others, whose next commit removes it as left", async () => {
    const { alice, bob } = await group();
    const { proposals, newState } = await engine.proposeLeave(bob.identity, bob.state);
    bob.state = newState;
    expect(proposals).toHaveLength(1);
    const kept = await engine.process(alice.identity, alice.state, proposals[0]!);
    expect(kept).toMatchObject({ kind: "proposal", byMember: true, removedDevices: ["deviceB"] });
    alice.state = kept.newState;
    expect(engine.pendingRemovals(alice.state)).toEqual(["deviceB"]);
    const commit = await engine.createCommit(alice.identity, alice.state, { add: [], removeDeviceIds: [] });
    expect(commit.leftDevices).toEqual(["deviceB"]);
    const removed = await engine.process(bob.identity, bob.state, commit.commit);
    expect(removed).toMatchObject({ kind: "commit", removedSelf: true, leftDevices: ["deviceB"] });
  });
});
