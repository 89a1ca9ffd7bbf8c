/**
 * GroupEngine on ts-mls, ciphersuite MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519.
 * Every state in and out is an EngineGroupState; ts-mls types stay in this folder.
 */
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  encodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  makePskIndex,
  zeroOutUint8Array,
} from "ts-mls";
import type {
  CiphersuiteImpl,
  CiphersuiteName,
  ClientConfig,
  CryptoProvider,
  ClientState,
  KeyPackage,
  Proposal,
} from "ts-mls";
import { deviceAuthenticationService, parseCredential } from "./credential.js";
import type { MemberVerifier, RemovalVerifier } from "./credential.js";
import type {
  ChangeRequest,
  DeviceIdentity,
  GeneratedKeyPackage,
  GroupEngine,
  GroupState,
  PendingCommit,
  Processed,
} from "./engine.js";
import { MlsEngineError, engineError, isRejection } from "./errors.js";
import { extensionData, withExtensionChanges, type GroupExtensionChange } from "./groupExtensions.js";
import { processApplication, processCommit, processProposal } from "./incoming.js";
import { groupInfoOf, joinExternal, joinFromWelcome } from "./join.js";
import { IdentityCheck, encodeKeyPackageMessage, keyPackageRefHex, makeKeyPackage } from "./keyPackage.js";
import { leafAt, leavesOfDevices, memberAt, membersOf } from "./members.js";
import {
  hasPendingProposals,
  hubExternalSender,
  pendingLeftLeaves,
  pendingRemovedLeaves,
  withCommittableProposals,
} from "./proposals.js";
import { retiredSecrets } from "./retire.js";
import { requireMayManage, settingsExtension, settingsIn, withSettings } from "./groupSettings.js";
import { proposeLeave } from "./leave.js";
import { equalBytes, type GroupSettingsValue } from "@switchboard/protocol";
import {
  EngineGroupState,
  asEngineState,
  deserializeGroupState,
  encodePrivateKeyPackage,
  serializeGroupState,
  withSigner,
} from "./state.js";
import { loadParts, saveParts } from "./stateParts.js";
import type { StoredGroupState } from "../store/groupStateParts.js";
import { decodeMessage, decodeMessageOf, encodePrivateMessage, encodeWelcome } from "./wire.js";

export const CIPHERSUITE: CiphersuiteName = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";
const MAX_GROUP_ID_BYTES = 64;
const ED25519_PUBLIC_KEY_BYTES = 32;

export interface TsMlsEngineOptions {
  /** Extra check of every member credential, e.g. its key against the directory (RFC 9420 §5.3.1). */
  verifyMember?: MemberVerifier;
  /** Check of the signed revocation a hub Remove carries (SPEC DIR14); hub Removes are taken as they come when absent. */
  verifyRemoval?: RemovalVerifier;
}

/**
 * The engine on a given CryptoProvider: the Node entry passes the node:crypto
 * one, the browser entry the WebCrypto one. This module imports neither, so
 * it stays browser-safe (a runtime check of `process` or a dynamic import of
 * node:crypto here would drag Node into every bundle).
 */
export async function createTsMlsEngineOn(
  provider: CryptoProvider,
  options: TsMlsEngineOptions = {},
): Promise<GroupEngine> {
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE), provider);
  const config: ClientConfig = {
    // 4 past epochs, 10 skipped generations: enough for messages sent just before a commit won.
    keyRetentionConfig: defaultKeyRetentionConfig,
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService: deviceAuthenticationService(options.verifyMember),
  };
  return new TsMlsEngine(cs, config, options.verifyRemoval);
}

class TsMlsEngine implements GroupEngine {
  readonly #identities: IdentityCheck;

  constructor(
    readonly cs: CiphersuiteImpl,
    readonly config: ClientConfig,
    private readonly verifyRemoval?: RemovalVerifier,
  ) {
    this.#identities = new IdentityCheck(cs);
  }

  async generateKeyPackage(
    identity: DeviceIdentity,
    options?: { lastResort?: boolean },
  ): Promise<GeneratedKeyPackage> {
    await this.#identities.check(identity);
    const { publicPackage, privatePackage } = await makeKeyPackage(
      identity,
      this.cs,
      options?.lastResort ?? false,
    );
    const privateState = encodePrivateKeyPackage(privatePackage);
    zeroOutUint8Array(privatePackage.initPrivateKey);
    zeroOutUint8Array(privatePackage.hpkePrivateKey);
    return {
      publicMessage: encodeKeyPackageMessage(publicPackage),
      privateState,
      ref: await keyPackageRefHex(publicPackage, this.cs),
    };
  }

  async createGroup(
    identity: DeviceIdentity,
    groupId: Uint8Array,
    options?: { externalSender?: Uint8Array; settings?: GroupSettingsValue },
  ): Promise<{ state: GroupState; groupInfo: Uint8Array }> {
    await this.#identities.check(identity);
    if (groupId.length === 0 || groupId.length > MAX_GROUP_ID_BYTES) {
      throw new MlsEngineError("MLS_INVALID_ARGUMENT", `a group id is 1-${MAX_GROUP_ID_BYTES} bytes`);
    }
    const hubKey = options?.externalSender;
    if (hubKey !== undefined && hubKey.length !== ED25519_PUBLIC_KEY_BYTES)
      throw new MlsEngineError("MLS_INVALID_ARGUMENT", "the external sender's key is an Ed25519 public key");
    const { publicPackage, privatePackage } = await makeKeyPackage(identity, this.cs);
    // The creator never receives a Welcome: its init key has no use.
    zeroOutUint8Array(privatePackage.initPrivateKey);
    const client = await createGroup(
      groupId.slice(),
      publicPackage,
      privatePackage,
      // In the GroupContext, so every joiner gets it (Welcome and GroupInfo) and no member can drop it.
      [
        ...(hubKey === undefined ? [] : [hubExternalSender(hubKey)]),
        // [GR1] who manages the group, and its title, in the GroupContext.
        ...(options?.settings === undefined ? [] : [settingsExtension(options.settings)]),
      ],
      this.cs,
      this.config,
    );
    return { state: new EngineGroupState(client), groupInfo: await groupInfoOf(client, this.cs) };
  }

  async createCommit(
    identity: DeviceIdentity,
    state: GroupState,
    change: ChangeRequest,
  ): Promise<PendingCommit> {
    const { engineState, client: current } = await this.#open(identity, state);
    const removeIds = [...new Set(change.removeDeviceIds)];
    // RFC 9420 §12.2: a commit cannot remove its own committer.
    if (removeIds.includes(identity.deviceId))
      throw new MlsEngineError("MLS_INVALID_ARGUMENT", "a device cannot remove itself");
    // ts-mls references every pending proposal (the hub's Removes) in the commit.
    const proposed = pendingRemovedLeaves(current);
    if (proposed.includes(current.privatePath.leafIndex)) {
      throw new MlsEngineError(
        "MLS_INVALID_ARGUMENT",
        "a pending proposal removes this device: another member must commit it",
      );
    }
    const client = withCommittableProposals(current);
    const proposedIds = proposed.map((leaf) => memberAt(client.ratchetTree, leaf).deviceId);
    const removed = leavesOfDevices(membersOf(client.ratchetTree), removeIds).filter(
      (leaf) => !proposed.includes(leaf),
    );
    const keyPackages = change.add.map((bytes) => this.#decodeKeyPackage(bytes));
    // [GR2] checked here too, so a member is told before the hub refuses.
    requireMayManage(settingsIn(client.groupContext.extensions), identity.address, {
      adds: keyPackages.map((k) => k.address),
      removes: removed.map((leaf) => memberAt(client.ratchetTree, leaf).address),
      changesContext: change.settings !== undefined || (change.extensions?.length ?? 0) > 0,
    });
    const proposals: Proposal[] = [
      ...removed.map((leaf): Proposal => ({ proposalType: "remove", remove: { removed: leaf } })),
      ...keyPackages.map(({ keyPackage }): Proposal => ({ proposalType: "add", add: { keyPackage } })),
      ...contextProposal(client, change),
    ];
    let result: Awaited<ReturnType<typeof createCommit>>;
    try {
      result = await createCommit(
        { state: client, cipherSuite: this.cs, pskIndex: makePskIndex(client, {}) },
        // PublicMessage: the server follows membership from the commit's framing (as
        // MIMI does). ratchet_tree in the Welcome's GroupInfo: joiners need nothing else.
        { wireAsPublicMessage: true, ratchetTreeExtension: true, extraProposals: proposals },
      );
    } catch (e) {
      throw engineError(
        e,
        keyPackages.length > 0 && isRejection(e) ? "MLS_INVALID_KEY_PACKAGE" : "MLS_INTERNAL",
        "commit",
      );
    }
    return {
      commit: encodeMlsMessage(result.commit),
      welcome: result.welcome === undefined ? null : encodeWelcome(result.welcome),
      groupInfo: await groupInfoOf(result.newState, this.cs),
      newState: new EngineGroupState(
        result.newState,
        [...result.consumed, ...retiredSecrets(client, result.newState)],
        engineState,
      ),
      epoch: engineState.epoch,
      addedDevices: keyPackages.map((k) => k.deviceId),
      removedDevices: [...new Set([...proposedIds, ...removeIds])],
      leftDevices: pendingLeftLeaves(client).map((leaf) => memberAt(client.ratchetTree, leaf).deviceId),
    };
  }

  async joinFromWelcome(
    identity: DeviceIdentity,
    welcome: Uint8Array,
    findKeyPackage: (ref: string) => Promise<GeneratedKeyPackage | undefined>,
  ): Promise<{ state: GroupState; usedKeyPackageRef: string }> {
    await this.#identities.check(identity);
    return joinFromWelcome(this, identity, welcome, findKeyPackage);
  }

  async joinExternal(identity: DeviceIdentity, groupInfo: Uint8Array): Promise<PendingCommit> {
    await this.#identities.check(identity);
    return joinExternal(this, identity, groupInfo);
  }

  async encrypt(
    identity: DeviceIdentity,
    state: GroupState,
    plaintext: Uint8Array,
  ): Promise<{ message: Uint8Array; newState: GroupState }> {
    const { engineState, client } = await this.#open(identity, state);
    if (hasPendingProposals(client)) {
      throw new MlsEngineError(
        "MLS_PROPOSALS_PENDING",
        "the group has proposals no commit has carried yet: commit them first",
      );
    }
    try {
      const result = await createApplicationMessage(client, plaintext, this.cs);
      return {
        message: encodePrivateMessage(result.privateMessage),
        newState: new EngineGroupState(result.newState, result.consumed, engineState),
      };
    } catch (e) {
      throw engineError(e, "MLS_INTERNAL", "encrypt");
    }
  }

  async process(identity: DeviceIdentity, state: GroupState, bytes: Uint8Array): Promise<Processed> {
    const { engineState, client } = await this.#open(identity, state);
    const message = decodeMessage(bytes);
    switch (message.wireformat) {
      case "mls_private_message":
        return processApplication(this.cs, engineState, client, message.privateMessage);
      case "mls_public_message":
        return message.publicMessage.content.contentType === "proposal"
          ? processProposal(this.cs, engineState, client, message.publicMessage, this.verifyRemoval)
          : processCommit(this.cs, engineState, client, message.publicMessage);
      default:
        throw new MlsEngineError("MLS_UNSUPPORTED", `${message.wireformat} is not processed here`);
    }
  }

  async proposeLeave(
    identity: DeviceIdentity,
    state: GroupState,
  ): Promise<{ proposals: Uint8Array[]; newState: GroupState }> {
    const { engineState, client } = await this.#open(identity, state);
    return proposeLeave(this.cs, engineState, client, identity.address);
  }

  settings(state: GroupState): GroupSettingsValue | undefined {
    return settingsIn(asEngineState(state).client.groupContext.extensions);
  }

  members(state: GroupState) {
    return membersOf(asEngineState(state).client.ratchetTree);
  }

  groupExtension(state: GroupState, type: number): Uint8Array | undefined {
    return extensionData(asEngineState(state).client.groupContext.extensions, type);
  }

  pendingRemovals(state: GroupState): string[] {
    const client = asEngineState(state).client;
    return pendingRemovedLeaves(client).map((leaf) => memberAt(client.ratchetTree, leaf).deviceId);
  }

  serialize(state: GroupState): Uint8Array {
    return serializeGroupState(asEngineState(state));
  }

  deserialize(bytes: Uint8Array): GroupState {
    return deserializeGroupState(bytes, this.config);
  }

  saveState(state: GroupState): StoredGroupState {
    return saveParts(asEngineState(state));
  }

  loadState(stored: StoredGroupState): GroupState {
    return loadParts(stored, this.config);
  }

  /** A state ready for an operation by `identity`: checked, adopted, with the signing key attached. */
  async #open(
    identity: DeviceIdentity,
    state: GroupState,
  ): Promise<{ engineState: EngineGroupState; client: ClientState }> {
    const engineState = asEngineState(state);
    await this.#identities.check(identity);
    if (engineState.removed) {
      engineState.adopt(); // wipes what the removed state still held
      throw new MlsEngineError("MLS_NOT_MEMBER", "this device was removed from the group");
    }
    const own = leafAt(engineState.client.ratchetTree, engineState.client.privatePath.leafIndex);
    if (own === undefined || !equalBytes(own.signaturePublicKey, identity.signaturePublicKey)) {
      throw new MlsEngineError("MLS_INVALID_STATE", "the group state belongs to another device");
    }
    engineState.adopt();
    return { engineState, client: withSigner(engineState, identity.signaturePrivateKey) };
  }

  #decodeKeyPackage(bytes: Uint8Array): { keyPackage: KeyPackage; deviceId: string; address: string } {
    let keyPackage: KeyPackage;
    try {
      keyPackage = decodeMessageOf(bytes, "mls_key_package").keyPackage;
    } catch (e) {
      throw new MlsEngineError("MLS_INVALID_KEY_PACKAGE", "not an MLS key package", { cause: e });
    }
    if (keyPackage.cipherSuite !== CIPHERSUITE)
      throw new MlsEngineError("MLS_INVALID_KEY_PACKAGE", `key package for ${keyPackage.cipherSuite}`);
    const device = parseCredential(keyPackage.leafNode.credential);
    if (device === undefined)
      throw new MlsEngineError("MLS_INVALID_KEY_PACKAGE", "key package without a device credential");
    return { keyPackage, deviceId: device.deviceId, address: device.address };
  }
}

/** [XP1] One GroupContextExtensions proposal for the changes, keeping every other extension (RFC 9420 §12.1.7). */
/**
 * One GroupContextExtensions proposal for the settings (SPEC GR1) and our
 * other extensions (the timer, XP1) a change asks for: RFC 9420 §12.1.7's
 * proposal holds the whole new list, so everything else is kept.
 */
function contextProposal(client: ClientState, change: ChangeRequest): Proposal[] {
  const changes: GroupExtensionChange[] = change.extensions ?? [];
  if (change.settings === undefined && changes.length === 0) return [];
  let extensions = client.groupContext.extensions;
  if (change.settings !== undefined) extensions = withSettings(extensions, change.settings);
  if (changes.length > 0) extensions = withExtensionChanges(extensions, changes);
  return [{ proposalType: "group_context_extensions", groupContextExtensions: { extensions } }];
}
