/**
 * The conversations' part of the Store port: conversations, their members and
 * participants, and the per-hour add counts. The whole port, and the rules
 * every method keeps, are in `port.ts`.
 */
export type ConversationKind = "direct" | "group";

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

/** An account added to a group by someone else's commit (for the per-hour cap, SPEC DS16). */
export interface GroupAdd {
  address: string;
  conversationId: string;
  /** The committing account. */
  adder: string;
  at: number;
}

/**
 * One page of a listing (SPEC ST29): the items after the one with id
 * `afterId` ("" for the first page) in the listing's order, at most `limit`.
 */
export interface PageRequest {
  afterId: string;
  limit: number;
}

export interface ConversationStore {
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
}
