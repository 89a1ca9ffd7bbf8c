/**
 * GroupEngine: the MLS operations the SDK needs, in our own terms, so the rest
 * of the SDK never touches ts-mls types. Group states are immutable values;
 * every operation returns a new state and the caller persists it (atomically)
 * before acknowledging anything.
 *
 * Members of a group are devices. Each device's MLS credential is a basic
 * credential whose identity is the UTF-8 of "<address>/<deviceId>" (see
 * credential.ts), signed with the device's Ed25519 key.
 *
 * Members change the group by commits with their proposals inline. The one
 * exception is revocation: the hub, named as the group's external sender
 * (RFC 9420 §12.1.8.1) when it is created, proposes to Remove a revoked
 * device; members keep that proposal pending in their state (process returns
 * kind "proposal"), refuse to encrypt until a commit carries it
 * (MLS_PROPOSALS_PENDING), and any member's next commit carries it by
 * reference, even one with an empty change.
 *
 * A state stays valid until a state derived from it is used in an operation:
 * that adopts the new state, zeroes the secrets the old one used up (RFC 9420
 * §9.2, §16.6) and makes the old one throw MLS_INVALID_STATE. So an unused
 * PendingCommit.newState can be dropped on EPOCH_CONFLICT and the base state
 * used again. Every failure is an MlsEngineError with a `code` (errors.ts).
 */

import type { GroupSettingsValue } from "@switchboard/protocol";
import type { StoredGroupState } from "../store/groupStateParts.js";

/** The long-term identity of this device. */
export interface DeviceIdentity {
  address: string;
  deviceId: string;
  /** Ed25519 public key (32 bytes). */
  signaturePublicKey: Uint8Array;
  /** Ed25519 private key seed (32 bytes). Never leaves the device. */
  signaturePrivateKey: Uint8Array;
}

/** A member of a group as the MLS tree says. */
export interface GroupMember {
  leafIndex: number;
  address: string;
  deviceId: string;
  signaturePublicKey: Uint8Array;
}

/** A KeyPackage with its private half, as generated on this device. */
export interface GeneratedKeyPackage {
  /** TLS-encoded MLSMessage(KeyPackage): what is uploaded. */
  publicMessage: Uint8Array;
  /** Opaque private half; persist it until the package is used. */
  privateState: Uint8Array;
  /** Hex of the KeyPackageRef (RFC 9420 §5.2), to find the private half when a Welcome names it. */
  ref: string;
}

/** An opaque, serialisable group state. */
export interface GroupState {
  readonly groupId: Uint8Array;
  readonly epoch: number;
}

/**
 * What a commit changes: devices added and removed, and (SPEC XP1) our own
 * GroupContext extensions set (data) or taken out (null) by one
 * GroupContextExtensions proposal that keeps every other extension.
 */
export interface PendingCommit {
  /** TLS-encoded MLSMessage(PublicMessage(Commit)): what goes to the server. */
  commit: Uint8Array;
  /** TLS-encoded MLSMessage(Welcome) for added devices, when any were added. */
  welcome: Uint8Array | null;
  /** TLS-encoded MLSMessage(GroupInfo) of the new epoch, with the ratchet tree. */
  groupInfo: Uint8Array;
  /** The state to adopt once the server accepts the commit; discard it on EPOCH_CONFLICT. */
  newState: GroupState;
  /** The epoch the commit ends (the epoch of the state it was made from). */
  epoch: number;
  addedDevices: string[];
  /** The devices asked for, and those the pending proposals it carries remove. */
  removedDevices: string[];
  /** Of removedDevices, those whose own account proposed their removal (leaving, SPEC GR6). */
  leftDevices: string[];
}

/** What a commit asks for. */
export interface ChangeRequest {
  add: Uint8Array[];
  removeDeviceIds: string[];
  /** New group settings (SPEC GR1), carried by a GroupContextExtensions proposal. */
  settings?: GroupSettingsValue;
  /** Changes to our other GroupContext extensions (the timer, SPEC XP1), in the same proposal. */
  extensions?: { type: number; data: Uint8Array | null }[];
}

export type Processed =
  | {
      kind: "application";
      plaintext: Uint8Array;
      sender: GroupMember;
      newState: GroupState;
    }
  | {
      kind: "commit";
      newState: GroupState;
      sender: GroupMember | null;
      addedDevices: string[];
      /** Removed inline or by the pending proposals the commit refers to. */
      removedDevices: string[];
      /** True when this device was removed by the commit: the state is no longer usable. */
      removedSelf: boolean;
      /** Of removedDevices, those removed by their own account's proposal (leaving, SPEC GR6). */
      leftDevices: string[];
      /** The group's settings after the commit (SPEC GR1); undefined for a group from before them. */
      settings: GroupSettingsValue | undefined;
    }
  | {
      /**
       * The hub's proposal to remove a revoked device, now pending in `newState`
       * (which persists it). The group stays at its epoch until a commit
       * carries it; meanwhile encrypt refuses with MLS_PROPOSALS_PENDING.
       * `removedDevices` may name this device: then it must not commit (it
       * cannot) and waits for another member's commit, which removes it.
       */
      kind: "proposal";
      newState: GroupState;
      removedDevices: string[];
      /** True for a member's proposal to leave (SPEC GR6), false for the hub's. */
      byMember: boolean;
    };

export interface GroupEngine {
  generateKeyPackage(
    identity: DeviceIdentity,
    options?: { lastResort?: boolean },
  ): Promise<GeneratedKeyPackage>;

  /**
   * A new group at epoch 0 with this device as its only member, and its
   * GroupInfo. `externalSender`: the hub's Ed25519 public key (32 bytes,
   * ServerHello.hub_signature_key), put in the GroupContext's external_senders
   * extension with the hub's credential (HUB_CREDENTIAL_IDENTITY), so the hub
   * can propose removals. It cannot be changed later.
   */
  createGroup(
    identity: DeviceIdentity,
    groupId: Uint8Array,
    options?: { externalSender?: Uint8Array; settings?: GroupSettingsValue },
  ): Promise<{ state: GroupState; groupInfo: Uint8Array }>;

  /**
   * A commit that adds the devices whose key packages are given and removes
   * the given devices, and carries every pending proposal by reference (so
   * an empty change is a commit of the pending removals). Nothing changes
   * until the caller adopts `newState`. MLS_INVALID_ARGUMENT when a pending
   * proposal removes this device (RFC 9420 §12.2: a commit cannot remove its
   * committer). `settings` changes the group's settings (SPEC GR1) by a
   * GroupContextExtensions proposal. MLS_NOT_ADMIN when the change manages
   * the group and this device's account may not (GR2).
   */
  createCommit(identity: DeviceIdentity, state: GroupState, change: ChangeRequest): Promise<PendingCommit>;

  /**
   * [GR6] Leaving: Remove proposals (PublicMessages, sender this member) for
   * every device of this device's account in the group, for another member
   * to commit (a member cannot commit its own removal, RFC 9420 §12.2).
   */
  proposeLeave(
    identity: DeviceIdentity,
    state: GroupState,
  ): Promise<{ proposals: Uint8Array[]; newState: GroupState }>;

  /** The data of our GroupContext extension `type` (groupExtensions.ts), or undefined when absent. */
  groupExtension(state: GroupState, type: number): Uint8Array | undefined;

  /** The group's settings (SPEC GR1); undefined for a group from before them. */
  settings(state: GroupState): GroupSettingsValue | undefined;

  /**
   * Join from a Welcome. `findKeyPackage` returns the private half of the key
   * package the Welcome was encrypted to (by ref), or undefined.
   */
  joinFromWelcome(
    identity: DeviceIdentity,
    welcome: Uint8Array,
    findKeyPackage: (ref: string) => Promise<GeneratedKeyPackage | undefined>,
  ): Promise<{ state: GroupState; usedKeyPackageRef: string }>;

  /** Join through a GroupInfo with an external commit (RFC 9420 §12.4.3.2). */
  joinExternal(identity: DeviceIdentity, groupInfo: Uint8Array): Promise<PendingCommit>;

  /**
   * Encrypt an application message (MLS PrivateMessage), returned TLS-encoded.
   * MLS_PROPOSALS_PENDING while proposals are pending (see pendingRemovals):
   * commit them first.
   */
  encrypt(
    identity: DeviceIdentity,
    state: GroupState,
    plaintext: Uint8Array,
  ): Promise<{ message: Uint8Array; newState: GroupState }>;

  /**
   * Process an incoming MLS message: a PrivateMessage, a PublicMessage commit,
   * or the hub's Remove proposal (a PublicMessage from the external sender).
   * Any other proposal is MLS_UNSUPPORTED; a proposal for another epoch is
   * MLS_WRONG_EPOCH (one for a past epoch is moot: the hub proposes again).
   */
  process(identity: DeviceIdentity, state: GroupState, message: Uint8Array): Promise<Processed>;

  members(state: GroupState): GroupMember[];

  /** The devices that pending proposals remove (empty when none are pending). */
  pendingRemovals(state: GroupState): string[];

  /** The whole state as one blob (format 1): for tests and tools; the SDK stores saveState's parts. */
  serialize(state: GroupState): Uint8Array;
  deserialize(bytes: Uint8Array): GroupState;

  /**
   * [ST40] The state as stored parts, with a delta against the state it was
   * derived from (its last saved or loaded ancestor), so that the store
   * writes only what changed (ST41, ST42).
   */
  saveState(state: GroupState): StoredGroupState;
  /** [ST40] The state a saveState (or a migrated whole blob, ST44) stored. */
  loadState(stored: StoredGroupState): GroupState;
}
