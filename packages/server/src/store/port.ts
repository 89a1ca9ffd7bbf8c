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
import type { BlockList } from "./blocksPort.js";

export type ConversationKind = "direct" | "group";
/** "proposal": the hub's own removal proposal (as MLS external sender) for a revoked device. */
export type EntryKind = "application" | "commit" | "proposal";

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

/** The hub's own removal proposal for a revoked device, at the conversation's current epoch. */
export interface NewProposal {
  conversationId: string;
  epoch: number;
  /** TLS-encoded MLSMessage(PublicMessage(Proposal)) signed by the hub as external sender. */
  payload: Uint8Array;
  /** The ProposalRef (RFC 9420 §5.2) a commit uses to include it by reference. */
  ref: Uint8Array;
  removedDeviceId: string;
  serverTime: number;
}

export interface PendingProposal {
  seq: number;
  ref: Uint8Array;
  removedDeviceId: string;
}

export type AppendProposalResult =
  | { kind: "appended"; entry: LogEntryRecord }
  | { kind: "epoch_conflict"; currentEpoch: number };

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

export interface Membership {
  /** The seq of the commit that added the device (0 for the creator). */
  joinedSeq: number;
  /** The conversation's highest pruned seq, absent when nothing was pruned; entries from prunedSeq + 1 are stored. */
  prunedSeq?: number;
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
  /**
   * The sender device's quota: the bytes of its own application messages the
   * log may hold, this one included, until the pruner frees them. None when absent.
   */
  maxQueuedBytes?: number;
}

/**
 * A retry with the same (conversation, sender device, client message id) gets
 * the original entry back. Otherwise nothing is appended when:
 * - "wrong_epoch": the message's epoch is not the conversation's current
 *   epoch (SPEC DS10): a device that joined at the commit that ended it
 *   could not read it, so the sender encrypts it again;
 * - "proposals_pending": the conversation has a hub proposal at its current
 *   epoch that no commit has included yet (SPEC DS9), so nothing new is
 *   encrypted to a revoked device.
 */
export type AppendResult =
  | { kind: "appended"; entry: LogEntryRecord }
  | { kind: "duplicate"; entry: LogEntryRecord }
  | { kind: "wrong_epoch"; currentEpoch: number }
  | { kind: "proposals_pending" }
  /**
   * The sender device already has `maxQueuedBytes` (NewMessage) of its own
   * application messages stored and not yet pruned: nothing is stored.
   */
  | { kind: "quota_exceeded" }
  /** The sender device is not a member (or the conversation does not exist): nothing is stored. */
  | { kind: "not_member" }
  /**
   * A direct conversation whose other participant has blocked the sender's
   * account (SPEC PP6): nothing is stored. Decided right after membership,
   * in the same step as the append (SPEC ST50).
   */
  | { kind: "blocked" };

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
  /**
   * The MLS Welcome; when present it is stored ONCE and each added device's
   * inbox item refers to it (SPEC ST28): a 1,000-device add stores it once,
   * not 1,000 times.
   */
  welcome: Uint8Array | null;
}

export type CommitResult =
  | { kind: "committed"; entry: LogEntryRecord; inbox: InboxRecord[] }
  | { kind: "duplicate"; entry: LogEntryRecord }
  | { kind: "epoch_conflict"; currentEpoch: number };

/** "welcome": an MLS Welcome; "link": a new device's sealed link envelope; "device_message": sealed bytes from another device of the same account. */
export type InboxKind = "welcome" | "link" | "device_message";

export interface InboxRecord {
  /** Increasing per store; a device reads its items in id order. */
  id: number;
  deviceId: string;
  kind: InboxKind;
  conversationId: string;
  payload: Uint8Array;
  senderAddress: string;
  serverTime: number;
  /** For a welcome: the seq of the commit that added the device; 0 otherwise. */
  seq: number;
  /** The device that caused the item (the committer, the approver, the sender). */
  senderDeviceId: string;
}

export interface NewInboxItem {
  deviceId: string;
  kind: "device_message";
  payload: Uint8Array;
  senderAddress: string;
  senderDeviceId: string;
  serverTime: number;
}

/**
 * What the pruner may delete (see store/prune.ts and delivery/retention.ts):
 * log entries every member device has acknowledged and stored before
 * `ackedBefore` (the grace period), and anything stored before
 * `expiredBefore` (the retention limit), whatever the cursors.
 */
export interface PruneCut {
  ackedBefore: number;
  expiredBefore: number;
}

/** One bounded pruning step over conversations in id order. */
export interface PruneLogPage {
  /** Start after this conversation id ("" for the first). */
  after: string;
  /** Visit at most this many conversations. */
  conversations: number;
  /** Read and delete at most this many entries in all. */
  entries: number;
}

export interface PruneLogResult {
  deleted: number;
  /** Where the next step starts (its `after`); undefined when every conversation was visited. */
  next: string | undefined;
}

/**
 * One page of a listing (SPEC ST29): the items after the one with id
 * `afterId` ("" for the first page) in the listing's order, at most `limit`.
 */
export interface PageRequest {
  afterId: string;
  limit: number;
}

/** An account added to a group by someone else's commit (for the per-hour cap, SPEC DS16). */
export interface GroupAdd {
  address: string;
  conversationId: string;
  /** The committing account. */
  adder: string;
  at: number;
}

export interface CursorUpdate {
  conversationId: string;
  seq: number;
}

export interface Store extends BlockList {
  // Directory
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
  /**
   * Conversations the device is a member of, with its cursor, oldest first
   * (ties by id); with `page`, one page of them (SPEC ST29).
   */
  listConversations(deviceId: string, page?: PageRequest): Promise<ConversationView[]>;
  /** How many conversations the account is a participant of (SPEC DS16). */
  countConversations(address: string): Promise<number>;
  /** Record adds of accounts by others, and forget every add from before `forgetBefore` (SPEC DS16). */
  recordGroupAdds(adds: GroupAdd[], forgetBefore: number): Promise<void>;
  /** How many groups others added the account to at or after `since`. */
  countGroupAdds(address: string, since: number): Promise<number>;
  /**
   * The device's membership, or undefined when it is not a member. `joinedSeq`
   * is the seq of the commit that added it (0 for the creator): entries before
   * it were sent in epochs the device has no keys for, and are not its to read.
   */
  getMembership(conversationId: string, deviceId: string): Promise<Membership | undefined>;
  /** Member device ids of a conversation. */
  listMembers(conversationId: string): Promise<string[]>;
  /** Member devices of the conversation that are revoked (their removal is not committed yet). */
  revokedMembers(conversationId: string): Promise<string[]>;

  // The log
  /**
   * Append an application message (idempotent by client message id), only
   * from a member device ([DS5]), checked in the same atomic step as the
   * append: one round trip per batch on PostgreSQL instead of a membership
   * read per message, and a device removed meanwhile cannot slip one in.
   */
  appendMessage(message: NewMessage): Promise<AppendResult>;
  /**
   * Apply a commit atomically: refuse unless `epoch` is the current epoch
   * (exactly one commit wins per epoch), else append the entry, move the
   * epoch on by one, store the GroupInfo, apply the membership delta and put
   * the Welcome in each added device's inbox. An added device's cursor and
   * joinedSeq start at the commit's seq. Idempotent by client message id.
   */
  commit(commit: NewCommit): Promise<CommitResult>;
  /**
   * Append the hub's removal proposal, only if `epoch` is still the current
   * epoch. Until a commit moves the epoch on, appendMessage answers
   * "proposals_pending" for the conversation.
   */
  appendProposal(proposal: NewProposal): Promise<AppendProposalResult>;
  /** The hub's proposals at this epoch of the conversation, in seq order. */
  pendingProposals(conversationId: string, epoch: number): Promise<PendingProposal[]>;
  /**
   * Entries with seq > afterSeq, in seq order, at most `limit`; and with a
   * byte budget, only while the payload bytes before an entry are within
   * `maxBytes`: reading stops right after the entry that takes the total over
   * it (returned, so the caller sees that more follows). The first entry is
   * always returned. Adapters read no payload they do not return.
   */
  readLog(
    conversationId: string,
    afterSeq: number,
    limit: number,
    maxBytes?: number,
  ): Promise<LogEntryRecord[]>;

  // Cursors
  /**
   * Move cursors forward; a cursor never moves back, and is capped at the log's
   * head. Updates for conversations the device is not a member of are ignored
   * (acks race with removals; membership is checked at the edge).
   */
  advanceCursors(deviceId: string, cursors: CursorUpdate[]): Promise<void>;

  // Inbox
  /**
   * Inbox items with id > afterId, in id order, at most `limit`, bounded by
   * `maxBytes` as readLog is (an item naming a stored Welcome counts its bytes).
   */
  readInbox(deviceId: string, afterId: number, limit: number, maxBytes?: number): Promise<InboxRecord[]>;
  /**
   * Delete the device's inbox items with id <= upToId. A stored Welcome goes
   * with the last item that refers to it (SPEC ST28); so it does when a
   * revocation drops a device's items.
   */
  ackInbox(deviceId: string, upToId: number): Promise<void>;
  /** Put an item in an active device's inbox (undefined when the device is unknown or revoked). */
  putInbox(item: NewInboxItem): Promise<InboxRecord | undefined>;
  /**
   * putInbox, unless the device's inbox would then hold more than `maxBytes`
   * (SPEC DS13): then "quota_exceeded", and nothing is stored.
   */
  putInboxWithin(item: NewInboxItem, maxBytes: number): Promise<InboxRecord | undefined | "quota_exceeded">;

  // Retention
  /**
   * One bounded pruning step (SPEC [ST26]): for each conversation visited,
   * delete the oldest entries `cut` allows (store/prune.ts), remember the
   * highest seq deleted as the conversation's prunedSeq (seqs are never
   * reused) and free the senders' quota. Each step is its own short write.
   */
  pruneLog(cut: PruneCut, page: PruneLogPage): Promise<PruneLogResult>;
  /** Delete at most `limit` inbox items stored before `expiredBefore`; resolves to how many. */
  pruneInbox(expiredBefore: number, limit: number): Promise<number>;
  /**
   * [XP7] The application entry at (conversationId, seq) expires at
   * `expiresAt` (ms); set again, the earlier time stays.
   */
  setEntryExpiry(conversationId: string, seq: number, expiresAt: number): Promise<void>;
  /** [XP7] Delete at most `limit` entries expired at `now` (freeing their senders' quota); resolves to how many. */
  pruneExpiredEntries(now: number, limit: number): Promise<number>;
  /** Bytes of the device's own application messages stored and not yet pruned (its quota counter). */
  queuedBytes(deviceId: string): Promise<number>;

  /** Resolves when the store can answer now (one cheap query); rejects otherwise (readiness). */
  ping(): Promise<void>;

  /** How many Welcomes are stored (each once, however many inbox items refer to it): for tests and operators. */
  countStoredWelcomes(): Promise<number>;

  /** Writes already issued settle (stored, or rejected) before it resolves. */
  close(): Promise<void>;
}
