/**
 * The Store port: everything the hub keeps durably, in domain terms. Adapters
 * (SQLite now, PostgreSQL later) implement it; one contract suite
 * (test/store/contract.ts) runs against every adapter.
 *
 * Every method resolves only once its effect is durable (DESIGN rule 2), and
 * every multi-row change is atomic: after a crash either all of it is there or
 * none of it is.
 *
 * Outcomes callers branch on (address taken, epoch conflict, duplicate) are
 * results. A write that names an account, device or conversation that must
 * exist and does not is a caller bug: it rejects and changes nothing.
 */

export type ConversationKind = "direct" | "group";
export type EntryKind = "application" | "commit";

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
}

export type CreateAccountResult = "created" | "address_taken" | "device_taken";

export interface ClaimedKeyPackage {
  deviceId: string;
  keyPackage: Uint8Array;
  /** True when the device had no one-time package left and its last-resort one was handed out. */
  lastResort: boolean;
}

export interface MembershipDelta {
  addedDevices: string[];
  removedDevices: string[];
  addedAccounts: string[];
  removedAccounts: string[];
}

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  epoch: number;
  /** Highest seq in the log (0 when empty). */
  lastSeq: number;
  createdAt: number;
  /** Participant accounts (addresses), sorted. */
  participants: string[];
  /** Latest GroupInfo (TLS-encoded MLSMessage), for external joins. */
  groupInfo: Uint8Array;
}

export interface ConversationView extends ConversationRecord {
  /** This device's acknowledged position in the log. */
  cursor: number;
}

export interface NewConversation {
  id: string;
  kind: ConversationKind;
  createdAt: number;
  creatorAddress: string;
  creatorDeviceId: string;
  /** For a direct conversation: the peer. At most one direct conversation per pair. */
  peerAddress?: string;
  groupInfo: Uint8Array;
}

export type CreateConversationResult =
  | { kind: "created"; conversation: ConversationRecord }
  | { kind: "id_taken" }
  | { kind: "direct_exists"; id: string };

export interface LogEntryRecord {
  conversationId: string;
  seq: number;
  kind: EntryKind;
  senderDeviceId: string;
  senderAddress: string;
  clientMessageId: string;
  /** MLS message bytes, never interpreted for application entries. */
  payload: Uint8Array;
  epoch: number;
  serverTime: number;
  /** Present on commit entries. */
  membership: MembershipDelta | null;
}

export interface NewMessage {
  conversationId: string;
  senderDeviceId: string;
  senderAddress: string;
  clientMessageId: string;
  payload: Uint8Array;
  epoch: number;
  serverTime: number;
}

/** A retry with the same (conversation, sender device, client message id) gets the original entry back. */
export type AppendResult =
  | { kind: "appended"; entry: LogEntryRecord }
  | { kind: "duplicate"; entry: LogEntryRecord };

export interface NewCommit {
  conversationId: string;
  senderDeviceId: string;
  senderAddress: string;
  clientMessageId: string;
  payload: Uint8Array;
  /** The epoch the commit ends; must equal the conversation's current epoch. */
  epoch: number;
  serverTime: number;
  groupInfo: Uint8Array;
  membership: MembershipDelta;
  /** The MLS Welcome; one inbox item per added device when present. */
  welcome: Uint8Array | null;
}

export type CommitResult =
  | { kind: "committed"; entry: LogEntryRecord; inbox: InboxRecord[] }
  | { kind: "duplicate"; entry: LogEntryRecord }
  | { kind: "epoch_conflict"; currentEpoch: number };

export type InboxKind = "welcome";

export interface InboxRecord {
  /** Increasing per store; a device reads its items in id order. */
  id: number;
  deviceId: string;
  kind: InboxKind;
  conversationId: string;
  payload: Uint8Array;
  senderAddress: string;
  serverTime: number;
  /** For a welcome: the seq of the commit that added the device. */
  seq: number;
}

export interface CursorUpdate {
  conversationId: string;
  seq: number;
}

export interface Store {
  // Directory
  /** Create an account with its first device, atomically. */
  createAccount(account: NewAccount, firstDevice: NewDevice): Promise<CreateAccountResult>;
  getAccount(address: string): Promise<AccountRecord | undefined>;
  getDevice(deviceId: string): Promise<DeviceRecord | undefined>;
  /** The account's devices that are not revoked, oldest first. */
  listDevices(address: string): Promise<DeviceRecord[]>;
  /** An unknown device is ignored: last-seen is a hint. */
  touchDevice(deviceId: string, at: number): Promise<void>;
  /** Add a device to an existing account (device linking). */
  addDevice(address: string, device: NewDevice): Promise<"added" | "unknown_account" | "device_taken">;
  /** Revoke a device: it can no longer authenticate; its key packages and inbox are dropped. */
  revokeDevice(deviceId: string, at: number): Promise<boolean>;

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
  claimKeyPackages(address: string): Promise<ClaimedKeyPackage[]>;
  countKeyPackages(deviceId: string): Promise<number>;

  // Conversations
  /**
   * Create a conversation at epoch 0 with the creator's device as its only
   * member and the creator as its only participant; a direct conversation's
   * peer becomes a participant with the commit that adds it.
   */
  createConversation(conversation: NewConversation): Promise<CreateConversationResult>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** The direct conversation between two accounts, if any. */
  findDirectConversation(a: string, b: string): Promise<string | undefined>;
  /** Conversations the device is a member of, with its cursor. */
  listConversations(deviceId: string): Promise<ConversationView[]>;
  /**
   * The device's membership, or undefined when it is not a member. `joinedSeq`
   * is the seq of the commit that added it (0 for the creator): entries before
   * it were sent in epochs the device has no keys for, and are not its to read.
   */
  getMembership(conversationId: string, deviceId: string): Promise<{ joinedSeq: number } | undefined>;
  /** Member device ids of a conversation. */
  listMembers(conversationId: string): Promise<string[]>;

  // The log
  /** Append an application message (idempotent by client message id). */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  /**
   * Apply a commit atomically: refuse unless `epoch` is the current epoch
   * (exactly one commit wins per epoch), else append the entry, move the
   * epoch on by one, store the GroupInfo, apply the membership delta and put
   * the Welcome in each added device's inbox. An added device's cursor and
   * joinedSeq start at the commit's seq. Idempotent by client message id.
   */
  commit(commit: NewCommit): Promise<CommitResult>;
  /** Entries with seq > afterSeq, in seq order, at most `limit`. */
  readLog(conversationId: string, afterSeq: number, limit: number): Promise<LogEntryRecord[]>;

  // Cursors
  /**
   * Move cursors forward; a cursor never moves back, and is capped at the log's
   * head. Updates for conversations the device is not a member of are ignored
   * (acks race with removals; membership is checked at the edge).
   */
  advanceCursors(deviceId: string, cursors: CursorUpdate[]): Promise<void>;

  // Inbox
  /** Inbox items with id > afterId, in id order, at most `limit`. */
  readInbox(deviceId: string, afterId: number, limit: number): Promise<InboxRecord[]>;
  /** Delete the device's inbox items with id <= upToId. */
  ackInbox(deviceId: string, upToId: number): Promise<void>;

  /** Writes already issued settle (stored, or rejected) before it resolves. */
  close(): Promise<void>;
}
