/**
 * Identities and a ready-made MLS group for the client benches (mls.ts,
 * mlsPersist.ts, mlsLargeGroup.ts, contentDecode.ts, profile/mlsOps.ts):
 * one place, so every bench measures the same group.
 */
import { generateKeyPairSync } from "node:crypto";
import type {
  DeviceIdentity,
  GeneratedKeyPackage,
  GroupEngine,
} from "../../packages/client/src/mls/engine.js";

/** Device n of a bench: a fresh Ed25519 key, `user<n>@messenger`, `device<n>`. */
export function identity(n: number): DeviceIdentity {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ format: "der", type: "spki" });
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  return {
    address: `user${n}@messenger`,
    deviceId: `device${n}`,
    signaturePublicKey: new Uint8Array(spki.subarray(spki.length - 32)),
    signaturePrivateKey: new Uint8Array(pkcs8.subarray(pkcs8.length - 32)),
  };
}

/** A group of `size` devices, seen by its creator (the sender) and by one member (the receiver). */
export interface GroupFixture {
  sender: DeviceIdentity;
  receiver: DeviceIdentity;
  /** Not a member yet, with a key package ready for an add. */
  newcomer: DeviceIdentity;
  newcomerPackage: GeneratedKeyPackage;
  senderState: Uint8Array;
  receiverState: Uint8Array;
  /** A member's device id, for a remove. */
  victim: string;
}

/** The sender creates the group, adds everyone in one commit, then commits an update the receiver processes. */
export async function buildGroup(engine: GroupEngine, size: number): Promise<GroupFixture> {
  const sender = identity(0);
  const receiver = identity(1);
  let senderState = (await engine.createGroup(sender, crypto.getRandomValues(new Uint8Array(16)))).state;
  const receiverPackage = await engine.generateKeyPackage(receiver);
  const others = [];
  for (let i = 2; i < size; i++) others.push((await engine.generateKeyPackage(identity(i))).publicMessage);
  const add = await engine.createCommit(sender, senderState, {
    add: [receiverPackage.publicMessage, ...others],
    removeDeviceIds: [],
  });
  senderState = add.newState;
  const joined = await engine.joinFromWelcome(receiver, add.welcome!, async () => receiverPackage);
  const update = await engine.createCommit(sender, senderState, { add: [], removeDeviceIds: [] });
  const processed = await engine.process(receiver, joined.state, update.commit);
  const newcomer = identity(size);
  return {
    sender,
    receiver,
    newcomer,
    newcomerPackage: await engine.generateKeyPackage(newcomer),
    senderState: engine.serialize(update.newState),
    receiverState: engine.serialize(processed.newState),
    victim: `device${size - 1}`,
  };
}
