/**
 * One `write` of the IndexedDB LocalStore, in two steps: `prepare` seals the
 * batch's secrets and copies its values (LS5) before the transaction opens,
 * since IndexedDB commits a transaction across any await that is not one of
 * its requests (WebCrypto); `apply` then puts each write in the one
 * readwrite transaction (LS1).
 */
import type { IDBPTransaction } from "idb";
import { unknownConversation } from "../errors.js";
import type { LocalWrite, StoredKeyPackage } from "../port.js";
import type { KeyWrap } from "./keyWrap.js";
import {
  StaleGroupState,
  partsOf,
  prepareGroupState,
  type IdbConversation,
  type PreparedGroupState,
} from "./groupStateParts.js";
import type { Db, SwitchboardDb, WRITE_STORES } from "./schema.js";

export type WriteTx = IDBPTransaction<SwitchboardDb, typeof WRITE_STORES, "readwrite">;

const copy = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes); // only the view's bytes, as a plain array

/**
 * A batch ready for its transaction. Meta values are sealed too: the SDK keeps
 * secrets there (the link key of a device being linked is an X25519 private key).
 */
export type PreparedWrite =
  | Exclude<LocalWrite, { kind: "setMeta" | "putConversation" }>
  | { kind: "setMeta"; key: string; sealed: Uint8Array }
  | { kind: "putConversation"; conversation: IdbConversation; state: PreparedGroupState };

export const record = {
  meta: (key: string) => `meta/${key}`,
  identity: () => "identity",
  keyPackage: (ref: string) => `keyPackage/${ref}`,
};

/** The batch with its secrets sealed and every value copied (LS5), ready for one transaction. */
export async function prepare(db: Db, wrap: KeyWrap, writes: LocalWrite[]): Promise<PreparedWrite[]> {
  const out: PreparedWrite[] = [];
  /** The group state version each conversation will have at this point of the batch. */
  const versions = new Map<string, string | undefined>();
  for (const write of writes) {
    switch (write.kind) {
      case "identity": {
        const { identity } = write;
        out.push({
          kind: "identity",
          identity: {
            ...identity,
            signaturePublicKey: copy(identity.signaturePublicKey),
            signaturePrivateKey: await wrap.seal(identity.signaturePrivateKey, record.identity()),
          },
        });
        break;
      }
      case "putKeyPackages": {
        const keyPackages: StoredKeyPackage[] = [];
        for (const kp of write.keyPackages) {
          keyPackages.push({
            ...kp,
            publicMessage: copy(kp.publicMessage),
            privateState: await wrap.seal(kp.privateState, record.keyPackage(kp.ref)),
          });
        }
        out.push({ kind: "putKeyPackages", keyPackages });
        break;
      }
      case "putConversation": {
        const { groupState, ...conversation } = write.conversation;
        const expected = versions.has(conversation.id)
          ? versions.get(conversation.id)
          : (await db.get("conversations", conversation.id))?.stateVersion;
        versions.set(conversation.id, groupState.version);
        out.push({
          kind: "putConversation",
          conversation: {
            ...conversation,
            participants: [...conversation.participants],
            stateVersion: groupState.version,
          },
          state: await prepareGroupState(wrap, conversation.id, expected, groupState),
        });
        break;
      }
      case "putMessage":
        out.push({ kind: "putMessage", message: { ...write.message } });
        break;
      case "putOutbox": {
        const { item } = write;
        const plaintext = item.plaintext === null ? null : copy(item.plaintext);
        out.push({ kind: "putOutbox", item: { ...item, payload: copy(item.payload), plaintext } });
        break;
      }
      case "putReaction":
        out.push({ kind: "putReaction", reaction: { ...write.reaction } });
        break;
      case "setMeta":
        out.push({
          kind: "setMeta",
          key: write.key,
          sealed: await wrap.seal(new TextEncoder().encode(write.value), record.meta(write.key)),
        });
        break;
      default:
        out.push(write);
    }
  }
  return out;
}

/** Every reaction to one message: arrays sort after strings in IndexedDB's key order. */
export function reactionsOf(conversationId: string, messageId: string): IDBKeyRange {
  return IDBKeyRange.bound([conversationId, messageId], [conversationId, messageId, []]);
}

async function requireConversation(tx: WriteTx, conversationId: string): Promise<void> {
  // Sees puts made earlier in the same transaction (LS2: "or put earlier in the same batch").
  if ((await tx.objectStore("conversations").getKey(conversationId)) === undefined)
    throw unknownConversation(conversationId);
}

export async function apply(tx: WriteTx, write: PreparedWrite): Promise<void> {
  switch (write.kind) {
    case "identity":
      await tx.objectStore("identity").put(write.identity, "self");
      return;
    case "putKeyPackages":
      for (const kp of write.keyPackages) await tx.objectStore("keyPackages").put(kp);
      return;
    case "deleteKeyPackage":
      await tx.objectStore("keyPackages").delete(write.ref);
      return;
    case "putConversation": {
      const { conversation, state } = write;
      const stored = await tx.objectStore("conversations").get(conversation.id);
      if (stored?.stateVersion !== state.expected) throw new StaleGroupState();
      await tx.objectStore("conversations").put(conversation);
      const parts = tx.objectStore("groupStateParts");
      if (state.replace) await parts.delete(partsOf(conversation.id));
      for (const key of state.remove) await parts.delete([conversation.id, key]);
      for (const part of state.put) await parts.put(part);
      return;
    }
    case "putMessage":
      await requireConversation(tx, write.message.conversationId);
      await tx.objectStore("messages").put(write.message);
      return;
    case "putOutbox":
      await requireConversation(tx, write.item.conversationId);
      await tx.objectStore("outbox").put(write.item);
      return;
    case "deleteOutbox":
      await tx.objectStore("outbox").delete(write.clientMessageId);
      return;
    case "setMeta":
      await tx.objectStore("meta").put(write.sealed, write.key);
      return;
    case "deleteMessage":
      // LS9: the message and its reactions go; nothing of its text stays in the store's records.
      await tx.objectStore("messages").delete([write.conversationId, write.id]);
      await tx.objectStore("reactions").delete(reactionsOf(write.conversationId, write.id));
      return;
    case "putReaction":
      await requireConversation(tx, write.reaction.conversationId);
      await tx.objectStore("reactions").put(write.reaction);
      return;
    case "deleteReaction":
      await tx.objectStore("reactions").delete([write.conversationId, write.messageId, write.senderAddress]);
      return;
  }
}
