/**
 * Joining a group: from a Welcome (an existing member added this device) or
 * by external commit through a GroupInfo (RFC 9420 §12.4.3.2).
 */
import {
  createGroupInfoWithExternalPubAndRatchetTree,
  joinGroup,
  joinGroupExternal,
  makePskIndex,
  zeroOutUint8Array,
} from "ts-mls";
import type { CiphersuiteImpl, ClientConfig, ClientState } from "ts-mls";
import { ratchetTreeFromExtension } from "./tsMlsInternals.js";
import { equalBytes, toHex } from "@switchboard/protocol";
import type { DeviceIdentity, GeneratedKeyPackage, PendingCommit } from "./engine.js";
import { MlsEngineError, engineError } from "./errors.js";
import { makeKeyPackage } from "./keyPackage.js";
import { membersOf } from "./members.js";
import { allSecrets } from "./retire.js";
import { EngineGroupState, decodePrivateKeyPackage } from "./state.js";
import { decodeMessageOf, encodeGroupInfo, encodePublicMessage } from "./wire.js";

export interface Suite {
  cs: CiphersuiteImpl;
  config: ClientConfig;
}

/** RFC 9420 §12.4.3: GroupInfo with external_pub (external joins) and ratchet_tree (no tree download). */
export async function groupInfoOf(client: ClientState, cs: CiphersuiteImpl): Promise<Uint8Array> {
  return encodeGroupInfo(await createGroupInfoWithExternalPubAndRatchetTree(client, [], cs));
}

/**
 * Every leaf of a joined tree names a device. ts-mls asked our authentication
 * service about each, but it cannot tell a leaf from an external sender, so a
 * leaf with the hub's credential passed it; membersOf refuses that.
 */
function requireDeviceLeaves(client: ClientState): void {
  try {
    membersOf(client.ratchetTree);
  } catch (e) {
    for (const secret of allSecrets(client)) zeroOutUint8Array(secret);
    throw e;
  }
}

export async function joinFromWelcome(
  { cs, config }: Suite,
  identity: DeviceIdentity,
  welcomeBytes: Uint8Array,
  findKeyPackage: (ref: string) => Promise<GeneratedKeyPackage | undefined>,
): Promise<{ state: EngineGroupState; usedKeyPackageRef: string }> {
  const { welcome } = decodeMessageOf(welcomeBytes, "mls_welcome");
  if (welcome.cipherSuite !== cs.name)
    throw new MlsEngineError("MLS_UNSUPPORTED", `ciphersuite ${welcome.cipherSuite}`);
  let found: { ref: string; generated: GeneratedKeyPackage } | undefined;
  for (const secrets of welcome.secrets) {
    const ref = toHex(secrets.newMember);
    const generated = await findKeyPackage(ref);
    if (generated !== undefined) {
      found = { ref, generated };
      break;
    }
  }
  if (found === undefined) {
    throw new MlsEngineError(
      "MLS_KEY_PACKAGE_NOT_FOUND",
      "the Welcome is for none of this device's key packages",
    );
  }
  const { keyPackage } = decodeMessageOf(found.generated.publicMessage, "mls_key_package");
  if (!equalBytes(keyPackage.leafNode.signaturePublicKey, identity.signaturePublicKey)) {
    throw new MlsEngineError("MLS_INVALID_ARGUMENT", "the key package is not this device's");
  }
  const keys = decodePrivateKeyPackage(found.generated.privateState);
  try {
    const privateKeys = { ...keys, signaturePrivateKey: identity.signaturePrivateKey };
    // No ratchet tree argument: createCommit puts it in the Welcome's GroupInfo.
    const client = await joinGroup(
      welcome,
      keyPackage,
      privateKeys,
      makePskIndex(undefined, {}),
      cs,
      undefined,
      undefined,
      config,
    );
    requireDeviceLeaves(client);
    return { state: new EngineGroupState(client), usedKeyPackageRef: found.ref };
  } catch (e) {
    zeroOutUint8Array(keys.hpkePrivateKey);
    throw engineError(e, "MLS_INVALID_MESSAGE", "Welcome refused");
  } finally {
    // RFC 9420 §16.8: the init key decrypts one Welcome and is then deleted (the
    // caller deletes its stored copy via usedKeyPackageRef, unless last-resort).
    zeroOutUint8Array(keys.initPrivateKey);
  }
}

export async function joinExternal(
  { cs, config }: Suite,
  identity: DeviceIdentity,
  groupInfoBytes: Uint8Array,
): Promise<PendingCommit> {
  const { groupInfo } = decodeMessageOf(groupInfoBytes, "mls_group_info");
  const suite = groupInfo.groupContext.cipherSuite;
  if (suite !== cs.name) throw new MlsEngineError("MLS_UNSUPPORTED", `ciphersuite ${suite}`);
  const tree = ratchetTreeFromExtension(groupInfo);
  if (tree === undefined)
    throw new MlsEngineError("MLS_INVALID_MESSAGE", "the GroupInfo has no ratchet_tree extension");
  // RFC 9420 §12.4.3.2: a device still in the tree (it lost its state) rejoins
  // by removing its old leaf in the same external commit ("resync"). membersOf
  // also refuses a tree with a leaf that is not a device (see requireDeviceLeaves).
  const resync = membersOf(tree).some((m) => equalBytes(m.signaturePublicKey, identity.signaturePublicKey));
  const { publicPackage, privatePackage } = await makeKeyPackage(identity, cs);
  let joined: Awaited<ReturnType<typeof joinGroupExternal>>;
  try {
    joined = await joinGroupExternal(groupInfo, publicPackage, privatePackage, resync, cs, undefined, config);
  } catch (e) {
    throw engineError(e, "MLS_INVALID_MESSAGE", "external join");
  } finally {
    // The UpdatePath makes a fresh leaf key; the package's own keys are never used.
    zeroOutUint8Array(privatePackage.initPrivateKey);
    zeroOutUint8Array(privatePackage.hpkePrivateKey);
  }
  return {
    commit: encodePublicMessage(joined.publicMessage),
    welcome: null,
    groupInfo: await groupInfoOf(joined.newState, cs),
    newState: new EngineGroupState(joined.newState),
    epoch: Number(groupInfo.groupContext.epoch),
    addedDevices: [identity.deviceId],
    removedDevices: resync ? [identity.deviceId] : [],
    leftDevices: [],
  };
}
