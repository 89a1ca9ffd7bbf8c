/**
 * The directory's part of the Store port: accounts, devices, verification
 * codes, links, the hub's key and key packages. The whole port, and the rules
 * every method keeps, are in `port.ts`.
 */
import type { PageRequest } from "./conversationsPort.js";
import type { InboxRecord } from "./inboxPort.js";

export interface AccountRecord {
  /** Normalised "handle@app". */
  address: string;
  app: string;
  displayName: string;
  createdAt: number;
}

export interface DeviceRecord {
  /** Derived from the signature key (protocol/ids.ts). */
  id: string;
  address: string;
  /** Ed25519 public key. */
  signatureKey: Uint8Array;
  createdAt: number;
  lastSeenAt: number;
  /** When the device was revoked; revoked devices cannot authenticate. */
  revokedAt: number | null;
  /** Given when linking ("Alice's laptop"); "" for none. */
  name: string;
  /**
   * The device that approved this one, its Ed25519 signature over
   * deviceApprovalMessage (protocol/devices.ts) and the time it signed; all
   * null for the account's first device.
   */
  approvedBy: string | null;
  approval: Uint8Array | null;
  approvedAt: number | null;
}

/** A device's revocation as its account signed it (SPEC DIR14, protocol deviceRevocationMessage). */
export interface RevocationProof {
  /** The device that signed: another device of the account, or the revoked device itself. */
  revokerDeviceId: string;
  /** The time it signed (ms). */
  revokedAt: number;
  /** Ed25519 over deviceRevocationMessage. */
  signature: Uint8Array;
}

export interface NewAccount {
  address: string;
  app: string;
  displayName: string;
  createdAt: number;
}

export interface NewDevice {
  id: string;
  signatureKey: Uint8Array;
  createdAt: number;
  /** Defaults to "". */
  name?: string;
  /** For a linked device: who approved it, the signature and when (see DeviceRecord). */
  approvedBy?: string;
  approval?: Uint8Array;
  approvedAt?: number;
}

/**
 * A registration code as stored (SPEC DIR9): a salted hash, never the code,
 * so a copy of the database does not hand out codes still valid.
 */
export interface NewVerificationCode {
  /** The normalised address the code proves. */
  address: string;
  salt: Uint8Array;
  /** HMAC-SHA-256(salt, address NUL code). */
  codeHash: Uint8Array;
  createdAt: number;
  expiresAt: number;
}

export interface VerificationCodeRecord extends NewVerificationCode {
  id: number;
  /** Guesses made at this code so far, the current one included. */
  attempts: number;
}

/** An account moved to a new device (SPEC DIR10): the devices that were revoked for it. */
export type MoveAccountResult =
  | { kind: "moved"; revoked: string[] }
  | { kind: "unknown_account" }
  | { kind: "device_taken" };

/** A new device waiting for an existing device of some account to approve it. */
export interface PendingLinkRecord {
  /** The one-time code (protocol/devices.ts linkCodeFromDigest), unique among pending links. */
  code: string;
  deviceId: string;
  signatureKey: Uint8Array;
  /** X25519 key the approving device seals the link envelope to. */
  hpkePublicKey: Uint8Array;
  deviceName: string;
  createdAt: number;
  expiresAt: number;
}

export interface LinkApproval {
  code: string;
  /** The approving device's account, which the new device joins. */
  address: string;
  /** The new device, with approvedBy/approval/approvedAt set. */
  device: NewDevice;
  /** Active devices the account may have after this one is added. */
  maxDevices: number;
  /** The sealed envelope, put in the new device's inbox as a "link" item. */
  envelope: Uint8Array;
  senderDeviceId: string;
  serverTime: number;
}

export type LinkApprovalResult =
  | { kind: "approved"; inbox: InboxRecord }
  | { kind: "not_found" }
  | { kind: "device_limit" }
  | { kind: "device_taken" };

/** The hub's Ed25519 key as MLS external sender; every node of a cluster uses the same one. */
export interface HubSigningKey {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export type CreateAccountResult = "created" | "address_taken" | "device_taken";

export interface ClaimedKeyPackage {
  deviceId: string;
  keyPackage: Uint8Array;
  /** True when the device had no one-time package left and its last-resort one was handed out. */
  lastResort: boolean;
}

export interface DirectoryStore {
  /** Create an account with its first device, atomically. */
  createAccount(account: NewAccount, firstDevice: NewDevice): Promise<CreateAccountResult>;
  getAccount(address: string): Promise<AccountRecord | undefined>;
  getDevice(deviceId: string): Promise<DeviceRecord | undefined>;
  /**
   * The account's devices that are not revoked (or all, with includeRevoked),
   * oldest first (ties by id); with `page`, one page of them (SPEC ST29).
   */
  listDevices(
    address: string,
    options?: { includeRevoked?: boolean; page?: PageRequest },
  ): Promise<DeviceRecord[]>;
  /** An unknown device is ignored: last-seen is a hint. */
  touchDevice(deviceId: string, at: number): Promise<void>;
  /**
   * Add a device to an existing account, unless the account already has
   * `maxDevices` active devices; the count and the insert are one atomic step.
   */
  addDevice(
    address: string,
    device: NewDevice,
    maxDevices: number,
  ): Promise<"added" | "unknown_account" | "device_taken" | "device_limit">;
  /**
   * Revoke a device: it can no longer authenticate; its key packages and
   * inbox are dropped. `proof`, the account's signed revocation (SPEC DIR14),
   * is kept with it for the hub's Remove proposals.
   */
  revokeDevice(deviceId: string, at: number, proof?: RevocationProof): Promise<boolean>;
  /**
   * Keep the account's signed revocation with a device revoked without one
   * (a move revokes before any device can sign, SPEC DIR15). False when the
   * device is unknown, not revoked, or already has a proof (never replaced).
   */
  recordRevocationProof(deviceId: string, proof: RevocationProof): Promise<boolean>;
  /** The signed revocation kept with a revoked device, if any (SPEC DIR14). */
  getRevocation(deviceId: string): Promise<RevocationProof | undefined>;

  /**
   * Move an account to one new device, atomically: every active device is
   * revoked (as revokeDevice does) and the new one, with no approver, is
   * added. Used when a person proves the address again on a new phone.
   */
  moveAccount(address: string, device: NewDevice, at: number): Promise<MoveAccountResult>;

  // Verification codes
  /**
   * Store a new code for its address unless `maxPerWindow` codes were issued
   * for it since `windowStart` (count and insert are one atomic step). Every
   * earlier code of the address stops counting as pending.
   */
  issueVerificationCode(
    code: NewVerificationCode,
    windowStart: number,
    maxPerWindow: number,
  ): Promise<"issued" | "too_many">;
  /**
   * Count one guess at the address's pending, unexpired code and answer it
   * (attempts included), atomically, so concurrent guesses are all counted.
   */
  attemptVerificationCode(address: string, now: number): Promise<VerificationCodeRecord | undefined>;
  /** Use a code up; false when it was already used (a racing registration won). */
  consumeVerificationCode(id: number): Promise<boolean>;

  // Linking
  /** Store a pending link; an expired link with the same code is replaced. */
  createLink(link: PendingLinkRecord): Promise<"created" | "code_taken">;
  /** The pending link with this code, expired or not (the caller tells the two apart). */
  getLink(code: string): Promise<PendingLinkRecord | undefined>;
  /**
   * Approve a pending link atomically: add the device to the account (under
   * the limit), delete the link and put the envelope in the new device's
   * inbox. Expiry is the caller's check; a missing link is "not_found".
   */
  approveLink(approval: LinkApproval): Promise<LinkApprovalResult>;
  /** Drop pending links that expired before `now`. */
  deleteExpiredLinks(now: number): Promise<void>;

  /** The hub's external-sender key: the stored one, or `candidate` stored now if there is none. */
  hubSigningKey(candidate: HubSigningKey): Promise<HubSigningKey>;
  /**
   * The hub key as recorded: its public half, and the private half when an
   * older version stored it here (null once it lives in a key file).
   */
  readHubKey(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array | null } | undefined>;
  /**
   * Record `publicKey` as the hub's when none is (the first node's wins, for
   * every node of a cluster), delete a private key stored with that same
   * public key, and answer the recorded public key (SPEC ST27).
   */
  settleHubKey(publicKey: Uint8Array): Promise<Uint8Array>;

  // Key packages
  /**
   * Add one-time key packages (and replace the last-resort one when given).
   * Resolves to the number of one-time packages the device now holds.
   */
  addKeyPackages(deviceId: string, oneTime: Uint8Array[], lastResort: Uint8Array | null): Promise<number>;
  /**
   * Claim one key package for every active device of the account, atomically:
   * a one-time package when there is one (it is deleted), else the device's
   * last-resort package (kept). Devices with neither are left out.
   */
  claimKeyPackages(address: string, onlyDevices?: string[]): Promise<ClaimedKeyPackage[]>;
  countKeyPackages(deviceId: string): Promise<number>;
  /** The device's one-time packages not claimed yet, oldest first (the last-resort one is not listed). */
  listKeyPackages(deviceId: string): Promise<Uint8Array[]>;
}
