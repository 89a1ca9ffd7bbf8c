/**
 * [DIR14] Members keep a hub Remove proposal only when it carries, as its
 * authenticated_data, the removed device's revocation signed by its own
 * account (an active approved device, or the device itself). A hub that
 * proposes a removal of its own accord, with no revocation or a forged one,
 * is refused with MLS_REMOVAL_NOT_SIGNED, and the proposal is never kept, so
 * never committed.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { decodeMlsMessage, encodeMlsMessage, getCiphersuiteFromName, proposeExternal } from "ts-mls";
import type { CiphersuiteImpl, GroupInfo } from "ts-mls";
import { ed25519 } from "@noble/curves/ed25519.js";
import { SignedRevocationSchema, deviceRevocationMessage, toHex } from "@switchboard/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { nodeCryptoProvider } from "../../src/crypto/nodeCryptoProvider.js";
import { isSignedRevocation } from "../../src/devices/revocation.js";
import {
  CIPHERSUITE,
  createTsMlsEngine,
  type GroupEngine,
  type RemovalVerifier,
} from "../../src/mls/index.js";
import { Device, codeOf, makeSigningKey } from "./fixtures.js";

const ALICE = "alice@messenger";
const BOB = "bob@whatsapp";
const groupId = () => crypto.getRandomValues(new Uint8Array(16));

/** What ListDevices would say: account -> active device id -> key (hex). */
const directory = new Map<string, Map<string, string>>();
const verifyRemoval: RemovalVerifier = ({ removed, authenticatedData }) =>
  isSignedRevocation(removed, authenticatedData, async (id, self) => {
    const devices = directory.get(removed.address);
    return self || devices?.has(id) ? devices?.get(id) : undefined;
  });

let cs: CiphersuiteImpl;
let engine: GroupEngine;
const hubKey = makeSigningKey();
beforeAll(async () => {
  cs = await nodeCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE));
  engine = await createTsMlsEngine({ crypto: "node", verifyRemoval });
});

function register(device: Device): Device {
  const account = directory.get(device.identity.address) ?? new Map<string, string>();
  account.set(device.deviceId, toHex(device.identity.signaturePublicKey));
  directory.set(device.identity.address, account);
  return device;
}

function revocation(
  signer: Device,
  removed: Device,
  options: { signingKey?: Uint8Array; address?: string } = {},
): Uint8Array {
  const revokedAt = 1_700_000_000_000;
  const fields = {
    address: options.address ?? removed.identity.address,
    deviceId: removed.deviceId,
    revokerDeviceId: signer.deviceId,
    revokedAt,
  };
  const signature = ed25519.sign(
    deviceRevocationMessage(fields),
    options.signingKey ?? signer.identity.signaturePrivateKey,
  );
  return toBinary(
    SignedRevocationSchema,
    create(SignedRevocationSchema, { ...fields, revokedAt: BigInt(revokedAt), signature }),
  );
}

/** The hub's Remove of `removed`, with `authenticatedData` as given. */
async function hubRemove(groupInfo: Uint8Array, removed: Device, authenticatedData: Uint8Array) {
  const message = decodeMlsMessage(groupInfo, 0)![0];
  if (message.wireformat !== "mls_group_info") throw new Error("not a GroupInfo");
  const info: GroupInfo = message.groupInfo;
  const leaf = engine.members(removed.state).find((m) => m.deviceId === removed.deviceId)!.leafIndex;
  return encodeMlsMessage(
    await proposeExternal(
      info,
      { proposalType: "remove", remove: { removed: leaf } },
      hubKey.publicKey,
      hubKey.privateKey,
      cs,
      authenticatedData,
    ),
  );
}

/** alice's two devices and bob, in a group naming the hub. */
async function group() {
  const n = directory.size;
  const laptop = register(new Device(engine, ALICE, `aliceLaptop${n}`));
  const phone = register(new Device(engine, ALICE, `alicePhone${n}`));
  const bob = register(new Device(engine, BOB, `bob${n}`));
  laptop.state = (
    await engine.createGroup(laptop.identity, groupId(), { externalSender: hubKey.publicKey })
  ).state;
  const added = await engine.createCommit(laptop.identity, laptop.state, {
    add: [await phone.publish(), await bob.publish()],
    removeDeviceIds: [],
  });
  laptop.state = added.newState;
  await phone.join(added.welcome!);
  await bob.join(added.welcome!);
  return { laptop, phone, bob, groupInfo: added.groupInfo };
}

describe("[DIR14] hub removals need the account's signed revocation", () => {
  it("[DIR14] refuses a hub Remove with no revocation, and never commits it", async () => {
    const { laptop, phone, bob, groupInfo } = await group();
    const bare = await hubRemove(groupInfo, phone, new Uint8Array());
    for (const member of [laptop, bob])
      expect(await codeOf(engine.process(member.identity, member.state, bare))).toBe(
        "MLS_REMOVAL_NOT_SIGNED",
      );
    // Nothing pending: bob can still encrypt, and his next commit removes no one.
    expect(engine.pendingRemovals(bob.state)).toEqual([]);
    const commit = await engine.createCommit(bob.identity, bob.state, { add: [], removeDeviceIds: [] });
    expect(commit.removedDevices).toEqual([]);
  });

  it("[DIR14] refuses forged revocations: a key that is not the revoker's, another account's device, another target", async () => {
    const { laptop, phone, bob, groupInfo } = await group();
    const forgeries = [
      // The hub signs "as" alice's laptop with a key of its own.
      revocation(laptop, phone, { signingKey: makeSigningKey().privateKey }),
      // bob (a real, active device, but not of alice's account) signs alice's phone away.
      revocation(bob, phone),
      // A real revocation by alice's laptop, of another device than the one removed.
      revocation(laptop, bob, { address: ALICE }),
      // Not a SignedRevocation at all.
      new TextEncoder().encode("trust me"),
    ];
    for (const forged of forgeries) {
      const proposal = await hubRemove(groupInfo, phone, forged);
      expect(await codeOf(engine.process(bob.identity, bob.state, proposal))).toBe("MLS_REMOVAL_NOT_SIGNED");
    }
    // A revoked (no longer active) device of the account cannot revoke another either.
    directory.get(ALICE)!.delete(laptop.deviceId);
    const byRevoked = await hubRemove(groupInfo, phone, revocation(laptop, phone));
    expect(await codeOf(engine.process(bob.identity, bob.state, byRevoked))).toBe("MLS_REMOVAL_NOT_SIGNED");
  });

  it("[DIR14] keeps a hub Remove signed by another active device of the account, or by the device itself", async () => {
    const { laptop, phone, bob, groupInfo } = await group();
    for (const signer of [laptop, phone]) {
      const proposal = await hubRemove(groupInfo, phone, revocation(signer, phone));
      const seen = await engine.process(bob.identity, bob.state, proposal);
      expect(seen).toMatchObject({ kind: "proposal", removedDevices: [phone.deviceId] });
    }
    const proposal = await hubRemove(groupInfo, phone, revocation(laptop, phone));
    await bob.applyProposal(proposal);
    const commit = await engine.createCommit(bob.identity, bob.state, { add: [], removeDeviceIds: [] });
    expect(commit.removedDevices).toEqual([phone.deviceId]);
  });
});
