/**
 * LocalStore: what one device keeps on its own disk (or in memory, or in
 * IndexedDB). The SDK persists every state change through `write`, which is
 * atomic: a crash leaves either all of a step or none of it, so an MLS group
 * state, the log position it corresponds to and the messages it decrypted
 * never disagree.
 *
 * Rules every adapter keeps; the contract suite (test/store/contract.ts)
 * quotes their ids in its test names.
 *
 * - [LS1] `write` applies its writes in order and atomically: when it rejects,
 *   nothing of the batch is stored, and the store stays usable.
 * - [LS2] A `putMessage` or `putOutbox` must name a conversation that is
 *   stored or put earlier in the same batch; otherwise `write` rejects with
 *   LocalStoreError `UNKNOWN_CONVERSATION` (store/errors.ts) and, by LS1,
 *   stores nothing of the batch. A message or outbox item with no group state
 *   behind it could never be reconciled with the log.
 * - [LS3] Every put replaces what is stored under the same key (identity: the
 *   one identity; key package: `ref`; conversation: `id`, keeping its
 *   messages; message: (`conversationId`, `id`); outbox: `clientMessageId`;
 *   meta: `key`). Deleting a key that is not stored does nothing.
 * - [LS4] `listMessages` returns messages by ascending `seq`; unsent ones
 *   (`seq` null) come last, by `sentAt` then `id`. `afterSeq` keeps messages
 *   with `seq > afterSeq` and every unsent one; `limit` keeps the first
 *   `limit` of the result. Both must be integers (limit >= 0), else the call
 *   rejects with `INVALID_ARGUMENT`. `listOutbox` is in `createdAt` order
 *   (then `clientMessageId`); `listConversations` is most recently updated
 *   first (`updatedAt` descending, then `id`).
 * - [LS5] Values are copied in and out: changing an argument after `write`, or
 *   a returned value, never changes what is stored. Byte fields come back as
 *   plain Uint8Array (not Node Buffer) with exactly the bytes written.
 * - [LS6] Once `write` resolves, a persistent adapter keeps it across `close`
 *   and reopen (and a crash).
 * - [LS7] After `close` (which may be called again) every other call rejects
 *   with LocalStoreError `CLOSED`.
 * - [LS8] Reactions are keyed by (`conversationId`, `messageId`,
 *   `senderAddress`): one per person per message; `putReaction` replaces.
 *   `listReactions` returns a message's reactions by `at`, then
 *   `senderAddress`. `putReaction` names a stored conversation (as LS2).
 * - [LS9] `deleteMessage` removes the message and its reactions; a message
 *   put with `deleted` true and empty text keeps no trace of the text it
 *   replaced (a persistent adapter overwrites it on disk, not only hides it).
 */

import type { RecentMessagesPort } from "./recentPort.js";
import type { StoredGroupState } from "./groupStateParts.js";

export interface StoredIdentity {
  address: string;
  deviceId: string;
  displayName: string;
  signaturePublicKey: Uint8Array;
  signaturePrivateKey: Uint8Array;
  /** The server URL the device registered with. */
  server: string;
  createdAt: number;
}

export interface StoredKeyPackage {
  /** Hex KeyPackageRef. */
  ref: string;
  publicMessage: Uint8Array;
  privateState: Uint8Array;
  lastResort: boolean;
  createdAt: number;
}

/** What pruning needs to know of a stored key package (keyPackages.ts). */
export type KeyPackageSummary = Pick<StoredKeyPackage, "ref" | "lastResort" | "createdAt">;

export type LocalConversationKind = "direct" | "group";

export interface LocalConversation {
  id: string;
  kind: LocalConversationKind;
  /** Group title (groups), shared inside MLS only. */
  title: string;
  /** For direct conversations: the other person's address. */
  peer: string | null;
  /** Participant addresses as last known. */
  participants: string[];
  /** The MLS group state as stored parts (SPEC ST40): a put writes only the parts that changed (ST41). */
  groupState: StoredGroupState;
  epoch: number;
  /** Highest log seq this device has applied (processed and persisted). */
  appliedSeq: number;
  /** False once this device was removed from the group. */
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface LocalMessage {
  /**
   * The message id (= client message id): for MIMI content its MIMI id in
   * hex (SPEC CT2); for legacy protobuf Content the id it carried.
   */
  id: string;
  conversationId: string;
  /** Log seq, or null while it is still in the outbox. */
  seq: number | null;
  senderAddress: string;
  senderDeviceId: string;
  text: string;
  /** The sender's clock. */
  sentAt: number;
  /** When the server made it durable. */
  serverTime: number | null;
  outgoing: boolean;
  /** The id of the message this one replies to, or null. */
  replyTo: string | null;
  /** How many accepted edits; 0 when never edited. */
  editCount: number;
  /** The hub's time (ms) of the last accepted edit, or null. */
  editedAt: number | null;
  /** Deleted for everyone: `text` is then "" (LS9). */
  deleted: boolean;
  /** When it disappears (ms since the epoch), or null. */
  expiresAt: number | null;
}

/** One person's reaction to one message (LS8). */
export interface LocalReaction {
  conversationId: string;
  messageId: string;
  senderAddress: string;
  emoji: string;
  /** The reaction message's own id: a later change `replaces` it. */
  reactionId: string;
  at: number;
}

/** A message waiting to be sent: encrypted once, resent as-is until acknowledged (idempotent). */
export interface OutboxItem {
  clientMessageId: string;
  conversationId: string;
  payload: Uint8Array;
  epoch: number;
  createdAt: number;
  /**
   * The content it encrypts, to encrypt again under the same id when the
   * group moved on before the hub took it; null in items from older SDKs.
   */
  plaintext: Uint8Array | null;
}

export type LocalWrite =
  | { kind: "identity"; identity: StoredIdentity }
  | { kind: "putKeyPackages"; keyPackages: StoredKeyPackage[] }
  | { kind: "deleteKeyPackage"; ref: string }
  | { kind: "putConversation"; conversation: LocalConversation }
  | { kind: "putMessage"; message: LocalMessage }
  | { kind: "putOutbox"; item: OutboxItem }
  | { kind: "deleteOutbox"; clientMessageId: string }
  | { kind: "deleteMessage"; conversationId: string; id: string }
  | { kind: "putReaction"; reaction: LocalReaction }
  | { kind: "deleteReaction"; conversationId: string; messageId: string; senderAddress: string }
  | { kind: "setMeta"; key: string; value: string };

export interface LocalStore extends RecentMessagesPort {
  getIdentity(): Promise<StoredIdentity | undefined>;
  getKeyPackage(ref: string): Promise<StoredKeyPackage | undefined>;
  countKeyPackages(): Promise<{ oneTime: number; lastResort: number }>;
  /** Every stored key package's ref and kind, without its secrets, oldest first (ties by ref). */
  listKeyPackages(): Promise<KeyPackageSummary[]>;
  getConversation(id: string): Promise<LocalConversation | undefined>;
  listConversations(): Promise<LocalConversation[]>;
  /** True when a message with this id is already stored in the conversation (ids are 128-bit random). */
  hasMessage(conversationId: string, id: string): Promise<boolean>;
  /** Messages in log order (unsent outgoing ones last), at most `limit`, after seq `afterSeq` (LS4). */
  listMessages(
    conversationId: string,
    options?: { afterSeq?: number; limit?: number },
  ): Promise<LocalMessage[]>;
  getMessage(conversationId: string, id: string): Promise<LocalMessage | undefined>;
  /** A message's reactions, one per person (LS8). */
  listReactions(conversationId: string, messageId: string): Promise<LocalReaction[]>;
  listOutbox(): Promise<OutboxItem[]>;
  getMeta(key: string): Promise<string | undefined>;
  /** Apply all writes atomically, in order (LS1, LS2). */
  write(writes: LocalWrite[]): Promise<void>;
  close(): Promise<void>;
}
