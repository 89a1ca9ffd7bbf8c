/**
 * The in-memory LocalStore: for tests and for sessions that keep nothing
 * (a browser tab in private mode). Writes are atomic by undo log: every
 * change records how to take itself back, and a batch that throws part-way
 * is rolled back before the error leaves `write` (LS1).
 */
import {
  copyConversation,
  copyIdentity,
  copyKeyPackage,
  copyMessage,
  copyOutboxItem,
  copyReaction,
} from "./copy.js";
import { closedStore, unknownConversation } from "./errors.js";
import { groupStateWrites, type StoredGroupState } from "./groupStateParts.js";
import { createMemoryReceipts } from "./memoryReceipts.js";
import type { ReceiptStore } from "./receiptsPort.js";
import { checkRecentListing, isBefore } from "./recentPort.js";
import {
  checkMessageListing,
  compareConversations,
  compareMessages,
  compareOutbox,
  compareReactions,
  isAfter,
} from "./listing.js";
import type {
  LocalConversation,
  LocalMessage,
  LocalReaction,
  LocalStore,
  LocalWrite,
  OutboxItem,
  StoredIdentity,
  StoredKeyPackage,
} from "./port.js";

import type { MessageExpiryStore } from "./expiryPort.js";
import { DEFAULT_SEARCH_LIMIT, type MessageSearchStore } from "./searchPort.js";
import { checkSearchLimit, scanExpired, scanNextExpiry, scanSearch } from "./searchText.js";

type Undo = () => void;

interface MemoryState {
  identity: StoredIdentity | undefined;
  keyPackages: Map<string, StoredKeyPackage>;
  conversations: Map<string, LocalConversation>;
  /** conversationId -> message id -> message. */
  messages: Map<string, Map<string, LocalMessage>>;
  outbox: Map<string, OutboxItem>;
  /** conversationId -> message id -> sender address -> reaction. */
  reactions: Map<string, Map<string, Map<string, LocalReaction>>>;
  meta: Map<string, string>;
}

/** Set or delete `key`, recording how to restore what was there. */
function change<V>(map: Map<string, V>, key: string, value: V | undefined, undo: Undo[]): void {
  const had = map.has(key);
  const previous = map.get(key);
  undo.push(() => {
    if (had) map.set(key, previous as V);
    else map.delete(key);
  });
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}

/** The parts stored after a put (ST41): only the delta's parts are copied when it applies. */
function nextGroupState(stored: StoredGroupState | undefined, next: StoredGroupState): StoredGroupState {
  const writes = groupStateWrites(stored?.version, next);
  const parts = new Map(writes.kind === "delta" ? stored!.parts : []);
  if (writes.kind === "delta") for (const key of writes.remove) parts.delete(key);
  for (const [key, value] of writes.put) parts.set(key, new Uint8Array(value));
  return { version: next.version, parts };
}

function messagesOf(state: MemoryState, conversationId: string): Map<string, LocalMessage> {
  let byId = state.messages.get(conversationId);
  if (byId === undefined) {
    // An empty map left behind by a rolled-back batch is harmless.
    byId = new Map();
    state.messages.set(conversationId, byId);
  }
  return byId;
}

function reactionsOf(
  state: MemoryState,
  conversationId: string,
  messageId: string,
): Map<string, LocalReaction> {
  let byMessage = state.reactions.get(conversationId);
  if (byMessage === undefined) {
    byMessage = new Map();
    state.reactions.set(conversationId, byMessage);
  }
  let bySender = byMessage.get(messageId);
  if (bySender === undefined) {
    bySender = new Map();
    byMessage.set(messageId, bySender);
  }
  return bySender;
}

function apply(state: MemoryState, write: LocalWrite, undo: Undo[]): void {
  switch (write.kind) {
    case "identity": {
      const previous = state.identity;
      undo.push(() => (state.identity = previous));
      state.identity = copyIdentity(write.identity);
      return;
    }
    case "putKeyPackages":
      for (const keyPackage of write.keyPackages)
        change(state.keyPackages, keyPackage.ref, copyKeyPackage(keyPackage), undo);
      return;
    case "deleteKeyPackage":
      change(state.keyPackages, write.ref, undefined, undo);
      return;
    case "putConversation": {
      const { id, groupState } = write.conversation;
      const stored = state.conversations.get(id);
      change(
        state.conversations,
        id,
        {
          ...copyConversation({ ...write.conversation, groupState: { version: "", parts: new Map() } }),
          groupState: nextGroupState(stored?.groupState, groupState),
        },
        undo,
      );
      return;
    }
    case "putMessage": {
      const { conversationId, id } = write.message;
      if (!state.conversations.has(conversationId)) throw unknownConversation(conversationId);
      change(messagesOf(state, conversationId), id, copyMessage(write.message), undo);
      return;
    }
    case "putOutbox": {
      const { conversationId, clientMessageId } = write.item;
      if (!state.conversations.has(conversationId)) throw unknownConversation(conversationId);
      change(state.outbox, clientMessageId, copyOutboxItem(write.item), undo);
      return;
    }
    case "deleteOutbox":
      change(state.outbox, write.clientMessageId, undefined, undo);
      return;
    case "setMeta":
      change(state.meta, write.key, write.value, undo);
      return;
    case "deleteMessage": {
      change(messagesOf(state, write.conversationId), write.id, undefined, undo);
      const bySender = reactionsOf(state, write.conversationId, write.id);
      for (const sender of [...bySender.keys()]) change(bySender, sender, undefined, undo);
      return;
    }
    case "putReaction": {
      const { conversationId, messageId, senderAddress } = write.reaction;
      if (!state.conversations.has(conversationId)) throw unknownConversation(conversationId);
      change(
        reactionsOf(state, conversationId, messageId),
        senderAddress,
        copyReaction(write.reaction),
        undo,
      );
      return;
    }
    case "deleteReaction":
      change(reactionsOf(state, write.conversationId, write.messageId), write.senderAddress, undefined, undo);
      return;
  }
}

/** Every stored message, of every conversation. */
function* allMessages(state: MemoryState): Iterable<LocalMessage> {
  for (const byId of state.messages.values()) yield* byId.values();
}

export function createMemoryStore(): LocalStore & ReceiptStore & MessageSearchStore & MessageExpiryStore {
  const state: MemoryState = {
    identity: undefined,
    keyPackages: new Map(),
    conversations: new Map(),
    messages: new Map(),
    outbox: new Map(),
    reactions: new Map(),
    meta: new Map(),
  };
  let closed = false;
  const open = (): MemoryState => {
    if (closed) throw closedStore();
    return state;
  };

  return {
    ...createMemoryReceipts(open),
    async getIdentity() {
      const { identity } = open();
      return identity && copyIdentity(identity);
    },
    async getKeyPackage(ref) {
      const keyPackage = open().keyPackages.get(ref);
      return keyPackage && copyKeyPackage(keyPackage);
    },
    async countKeyPackages() {
      const counts = { oneTime: 0, lastResort: 0 };
      for (const keyPackage of open().keyPackages.values()) {
        if (keyPackage.lastResort) counts.lastResort++;
        else counts.oneTime++;
      }
      return counts;
    },
    async listKeyPackages() {
      return [...open().keyPackages.values()]
        .map(({ ref, lastResort, createdAt }) => ({ ref, lastResort, createdAt }))
        .sort((a, b) => a.createdAt - b.createdAt || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    },
    async getConversation(id) {
      const conversation = open().conversations.get(id);
      return conversation && copyConversation(conversation);
    },
    async listConversations() {
      return [...open().conversations.values()].sort(compareConversations).map(copyConversation);
    },
    async hasMessage(conversationId, id) {
      return open().messages.get(conversationId)?.has(id) ?? false;
    },
    async listMessages(conversationId, options) {
      const { afterSeq, limit } = checkMessageListing(options);
      const byId = open().messages.get(conversationId);
      if (byId === undefined) return [];
      const listed = [...byId.values()].filter((message) => isAfter(message, afterSeq)).sort(compareMessages);
      return listed.slice(0, limit ?? listed.length).map(copyMessage);
    },
    async listRecentMessages(conversationId, options) {
      const { beforeSeq, limit } = checkRecentListing(options);
      const byId = open().messages.get(conversationId);
      if (byId === undefined) return [];
      const listed = [...byId.values()]
        .filter((message) => isBefore(message, beforeSeq))
        .sort((a, b) => compareMessages(b, a));
      return listed.slice(0, limit ?? listed.length).map(copyMessage);
    },
    async getMessage(conversationId, id) {
      const message = open().messages.get(conversationId)?.get(id);
      return message && copyMessage(message);
    },
    async listReactions(conversationId, messageId) {
      const bySender = open().reactions.get(conversationId)?.get(messageId);
      return [...(bySender?.values() ?? [])].sort(compareReactions).map(copyReaction);
    },
    async listOutbox() {
      return [...open().outbox.values()].sort(compareOutbox).map(copyOutboxItem);
    },
    async getMeta(key) {
      return open().meta.get(key);
    },
    async write(writes) {
      const current = open();
      const undo: Undo[] = [];
      try {
        for (const write of writes) apply(current, write, undo);
      } catch (err) {
        for (const step of undo.reverse()) step();
        throw err;
      }
    },
    async close() {
      closed = true;
    },
    // XP5, XP6, XP8: a scan, as a memory store holds one person's messages.
    async searchMessages(query, options) {
      const limit = checkSearchLimit(options?.limit, DEFAULT_SEARCH_LIMIT);
      return scanSearch(allMessages(open()), query, limit).map(copyMessage);
    },
    async listExpiredMessages(now, limit) {
      return scanExpired(allMessages(open()), now, checkSearchLimit(limit, limit)).map(copyMessage);
    },
    async nextExpiry() {
      return scanNextExpiry(allMessages(open()));
    },
    async scrub() {
      open();
    },
  };
}
