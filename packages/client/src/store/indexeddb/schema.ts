/**
 * The IndexedDB database of one browser profile: one object store per kind
 * of record, as the LocalStore port has them. Secret fields (the signing key,
 * key packages' private halves, group states, every meta value) are stored
 * sealed by keyWrap.ts;
 * the wrapping key itself is the one record of "keys".
 */
import { LEGACY_KEY } from "./groupStateParts.js";
import { openDB, type DBSchema, type IDBPDatabase, type OpenDBCallbacks } from "idb";
import type { IdbConversation, IdbGroupStatePart } from "./groupStateParts.js";
import type { LocalMessage, LocalReaction, OutboxItem, StoredIdentity, StoredKeyPackage } from "../port.js";
import type { LocalReceipt } from "../receiptsPort.js";

export const IDB_SCHEMA_VERSION = 6;

/** Records as stored: the same shapes, with the secret fields sealed. */
export type IdbIdentity = StoredIdentity;
export type IdbKeyPackage = StoredKeyPackage;
export type { IdbConversation };

export interface SwitchboardDb extends DBSchema {
  identity: { key: "self"; value: IdbIdentity };
  keyPackages: { key: string; value: IdbKeyPackage };
  conversations: { key: string; value: IdbConversation };
  /** Keyed [conversationId, key]: a group state's parts, each sealed (SPEC ST40). */
  groupStateParts: { key: [string, string]; value: IdbGroupStatePart };
  /**
   * Keyed [conversationId, id]: one conversation's messages are one key range.
   * `logOrder` is [conversationId, seq]: unsent messages (seq null) are not in
   * it, as IndexedDB leaves out records whose key path is not a valid key.
   * `expiry` is expiresAt: only disappearing messages are in it, soonest first.
   */
  messages: {
    key: [string, string];
    value: LocalMessage;
    indexes: { logOrder: [string, number]; expiry: number };
  };
  /** Keyed [conversationId, messageId, senderAddress]: one reaction per person per message (LS8). */
  reactions: { key: [string, string, string]; value: LocalReaction };
  outbox: { key: string; value: OutboxItem };
  /** Keyed [conversationId, messageId, address]: one status per account per message (SPEC RC1). */
  receipts: { key: [string, string, string]; value: LocalReceipt };
  /** Sealed UTF-8 of each value. */
  meta: { key: string; value: Uint8Array };
  keys: { key: "wrap"; value: CryptoKey };
}

export type Db = IDBPDatabase<SwitchboardDb>;

export const WRITE_STORES = [
  "identity",
  "keyPackages",
  "conversations",
  "groupStateParts",
  "messages",
  "reactions",
  "outbox",
  "meta",
] as const;

type UpgradeTx = Parameters<NonNullable<OpenDBCallbacks<SwitchboardDb>["upgrade"]>>[3];

async function moveGroupStates(db: IDBPDatabase<SwitchboardDb>, transaction: UpgradeTx): Promise<void> {
  const parts = db.createObjectStore("groupStateParts", { keyPath: ["conversationId", "key"] });
  let cursor = await transaction.objectStore("conversations").openCursor();
  while (cursor) {
    const { groupState, ...rest } = cursor.value;
    if (groupState !== undefined) {
      await parts.put({ conversationId: rest.id, key: LEGACY_KEY, sealed: groupState });
      await cursor.update({ ...rest, stateVersion: `v1:${rest.id}` });
    }
    cursor = await cursor.continue();
  }
}

export function openSwitchboardDb(name: string): Promise<Db> {
  return openDB<SwitchboardDb>(name, IDB_SCHEMA_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        db.createObjectStore("identity");
        db.createObjectStore("keyPackages", { keyPath: "ref" });
        db.createObjectStore("conversations", { keyPath: "id" });
        db.createObjectStore("messages", { keyPath: ["conversationId", "id"] });
        db.createObjectStore("outbox", { keyPath: "clientMessageId" });
        db.createObjectStore("meta");
        db.createObjectStore("keys");
      }
      // 2: reactions (content issue: one per person per message).
      if (oldVersion < 2)
        db.createObjectStore("reactions", { keyPath: ["conversationId", "messageId", "senderAddress"] });
      // 3: receipts (SPEC RS5), beside the LocalStore's records.
      if (oldVersion < 3)
        db.createObjectStore("receipts", { keyPath: ["conversationId", "messageId", "address"] });
      // 4: messages in log order, so the newest page of a long chat is read without the rest (WB1).
      if (oldVersion < 4)
        transaction.objectStore("messages").createIndex("logOrder", ["conversationId", "seq"]);
      // 5: group states as parts (SPEC ST40, ST44). A stored state moves as it is, still
      // sealed to its conversation, to a "v1" part; its next save replaces it with the parts.
      // Only IndexedDB requests are awaited, so the upgrade transaction stays open
      // until they are done; a failed one aborts it, and the open with it.
      if (oldVersion < 5) void moveGroupStates(db, transaction);
      // 6: disappearing messages by expiry, so the sweeper reads only those due (XP5, WB20)
      // instead of every message of the profile.
      if (oldVersion < 6) transaction.objectStore("messages").createIndex("expiry", "expiresAt");
    },
  });
}
