/**
 * The IndexedDB LocalStore, for the browser. One `write` is one IndexedDB
 * readwrite transaction over every store, so a batch is all or nothing (LS1)
 * and survives a closed tab once it resolved (LS6). IndexedDB commits a
 * transaction as soon as it has no pending request, so everything async that
 * is not IndexedDB (sealing secrets with WebCrypto) happens before the
 * transaction opens, and nothing but IndexedDB requests is awaited inside it.
 */
import type { MessageExpiryStore } from "../expiryPort.js";
import { DEFAULT_SEARCH_LIMIT, type MessageSearchStore } from "../searchPort.js";
import { checkSearchLimit, scanSearch } from "../searchText.js";
import { closedStore, LocalStoreError } from "../errors.js";
import { checkRecentListing } from "../recentPort.js";
import {
  checkMessageListing,
  compareConversations,
  compareMessages,
  compareOutbox,
  compareReactions,
  isAfter,
} from "../listing.js";
import type {
  LocalConversation,
  LocalMessage,
  LocalStore,
  OutboxItem,
  StoredIdentity,
  StoredKeyPackage,
} from "../port.js";
import { generateWrappingKey, keyWrap } from "./keyWrap.js";
import {
  StaleGroupState,
  partsOf,
  partsByConversation,
  unsealGroupState,
  type IdbConversation,
  type IdbGroupStatePart,
} from "./groupStateParts.js";
import { openSwitchboardDb, WRITE_STORES, type Db } from "./schema.js";
import { apply, prepare, reactionsOf, record } from "./writeBatch.js";
import { createIdbReceipts } from "./receipts.js";
import { MetaCache, MISS } from "./metaCache.js";
import { copyForCache, UnsealedStates } from "./unsealedStates.js";
import type { ReceiptStore } from "../receiptsPort.js";

/** The wrapping key of this database, made on first open. */
async function wrappingKey(db: Db): Promise<CryptoKey> {
  const stored = await db.get("keys", "wrap");
  if (stored !== undefined) return stored;
  const key = await generateWrappingKey();
  const tx = db.transaction("keys", "readwrite");
  // Another tab may have made one meanwhile: keep the first.
  const raced = await tx.store.get("wrap");
  if (raced === undefined) await tx.store.put(key, "wrap");
  await tx.done;
  return raced ?? key;
}

async function openDb(name: string): Promise<Db> {
  try {
    return await openSwitchboardDb(name);
  } catch (err) {
    if (err instanceof DOMException && err.name === "VersionError")
      throw new LocalStoreError("UNSUPPORTED_SCHEMA", `${name} was written by a newer SDK`, { cause: err });
    throw err;
  }
}

/**
 * Every meta key stored, for the cache (metaCache.ts). Read in a readwrite
 * transaction: IndexedDB runs it after every write another connection began
 * before it (a tab this one took the profile over from), so none is missed.
 */
async function metaKeys(db: Db): Promise<Set<string>> {
  const tx = db.transaction("meta", "readwrite");
  const keys = await tx.store.getAllKeys();
  await tx.done;
  return new Set(keys);
}

/** Open (or create) the IndexedDB LocalStore named `name` (one per profile). */
export async function openIndexedDbLocalStore(
  name: string,
): Promise<LocalStore & ReceiptStore & MessageSearchStore & MessageExpiryStore> {
  const db = await openDb(name);
  const wrap = keyWrap(await wrappingKey(db));
  const meta = new MetaCache(await metaKeys(db));
  const states = new UnsealedStates();
  let closed = false;
  const open = (): Db => {
    if (closed) throw closedStore();
    return db;
  };

  const unsealIdentity = async (stored: StoredIdentity): Promise<StoredIdentity> => ({
    ...stored,
    signaturePrivateKey: await wrap.open(stored.signaturePrivateKey, record.identity()),
  });
  const unsealKeyPackage = async (stored: StoredKeyPackage): Promise<StoredKeyPackage> => ({
    ...stored,
    privateState: await wrap.open(stored.privateState, record.keyPackage(stored.ref)),
  });
  /** The record with its state: the cached one when it is that version, else its parts unsealed. */
  const unsealConversation = async (
    stored: IdbConversation,
    parts: IdbGroupStatePart[] | undefined,
  ): Promise<LocalConversation> => {
    const { stateVersion, groupState: _moved, ...conversation } = stored;
    let groupState = states.get(stored.id, stateVersion);
    if (groupState === undefined) {
      groupState = await unsealGroupState(wrap, stateVersion, parts ?? []);
      states.read(stored.id, groupState);
    }
    return { ...conversation, groupState };
  };
  const cached = (stored: IdbConversation) => states.has(stored.id, stored.stateVersion);

  return {
    ...createIdbReceipts(open),
    async getIdentity() {
      const stored = await open().get("identity", "self");
      return stored && unsealIdentity(stored);
    },
    async getKeyPackage(ref) {
      const stored = await open().get("keyPackages", ref);
      return stored && unsealKeyPackage(stored);
    },
    async countKeyPackages() {
      const counts = { oneTime: 0, lastResort: 0 };
      for (const kp of await open().getAll("keyPackages")) {
        if (kp.lastResort) counts.lastResort++;
        else counts.oneTime++;
      }
      return counts;
    },
    async listKeyPackages() {
      // Refs and kinds only: no secret is unsealed to list them.
      return (await open().getAll("keyPackages"))
        .map(({ ref, lastResort, createdAt }) => ({ ref, lastResort, createdAt }))
        .sort((a, b) => a.createdAt - b.createdAt || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    },
    async getConversation(id) {
      // One transaction: the record and the parts of the same state (none when that state is cached).
      const tx = open().transaction(["conversations", "groupStateParts"]);
      const stored = await tx.objectStore("conversations").get(id);
      const parts =
        stored && !cached(stored) ? await tx.objectStore("groupStateParts").getAll(partsOf(id)) : undefined;
      await tx.done;
      return stored && unsealConversation(stored, parts);
    },
    async listConversations() {
      const tx = open().transaction(["conversations", "groupStateParts"]);
      const stored = (await tx.objectStore("conversations").getAll()).sort(compareConversations);
      const parts = stored.every(cached) ? [] : await tx.objectStore("groupStateParts").getAll();
      await tx.done;
      const byConversation = partsByConversation(parts);
      return Promise.all(stored.map((c) => unsealConversation(c, byConversation.get(c.id))));
    },
    async hasMessage(conversationId, id) {
      return (await open().getKey("messages", [conversationId, id])) !== undefined;
    },
    async listMessages(conversationId, options): Promise<LocalMessage[]> {
      const { afterSeq, limit } = checkMessageListing(options);
      // Every [conversationId, id]: arrays sort after strings in IndexedDB's key order.
      const range = IDBKeyRange.bound([conversationId], [conversationId, []]);
      const listed = (await open().getAll("messages", range))
        .filter((message) => isAfter(message, afterSeq))
        .sort(compareMessages);
      return listed.slice(0, limit ?? listed.length);
    },
    async listRecentMessages(conversationId, options): Promise<LocalMessage[]> {
      const { beforeSeq, limit } = checkRecentListing(options);
      const db = open();
      const tx = db.transaction("messages");
      const everyMessage = IDBKeyRange.bound([conversationId], [conversationId, []]);
      const sent = IDBKeyRange.bound(
        [conversationId, Number.NEGATIVE_INFINITY],
        [conversationId, beforeSeq ?? Number.POSITIVE_INFINITY],
        false,
        beforeSeq !== undefined,
      );
      // Unsent messages (seq null) are not in logOrder: when the counts differ some exist, and they
      // come first, so this rare case (something in the outbox) reads the conversation as listMessages does.
      if (beforeSeq === undefined) {
        const [all, indexed] = await Promise.all([
          tx.store.count(everyMessage),
          tx.store
            .index("logOrder")
            .count(
              IDBKeyRange.bound(
                [conversationId, Number.NEGATIVE_INFINITY],
                [conversationId, Number.POSITIVE_INFINITY],
              ),
            ),
        ]);
        if (all !== indexed) {
          const listed = (await tx.store.getAll(everyMessage)).sort((a, b) => compareMessages(b, a));
          return listed.slice(0, limit ?? listed.length);
        }
      }
      // The common case: walk logOrder backwards from the newest, reading `limit` records only.
      const out: LocalMessage[] = [];
      if (limit === 0) return out;
      let cursor = await tx.store.index("logOrder").openCursor(sent, "prev");
      while (cursor && (limit === undefined || out.length < limit)) {
        out.push(cursor.value);
        cursor = await cursor.continue();
      }
      return out;
    },
    async getMessage(conversationId, id) {
      return open().get("messages", [conversationId, id]);
    },
    async listReactions(conversationId, messageId) {
      return (await open().getAll("reactions", reactionsOf(conversationId, messageId))).sort(
        compareReactions,
      );
    },
    async listOutbox(): Promise<OutboxItem[]> {
      return (await open().getAll("outbox")).sort(compareOutbox);
    },
    async getMeta(key) {
      const cached = meta.get(key);
      if (cached !== MISS) {
        open();
        return cached;
      }
      const mark = meta.mark();
      const sealed = await open().get("meta", key);
      const value = sealed && new TextDecoder().decode(await wrap.open(sealed, record.meta(key)));
      meta.read(key, value, mark);
      return value;
    },
    async write(writes) {
      open();
      const metaValues = writes.flatMap((w): [string, string][] =>
        w.kind === "setMeta" ? [[w.key, w.value]] : [],
      );
      // Copied now (LS5): the caller may change its values once `write` is called.
      const stateCopies = writes.map((w) =>
        w.kind === "putConversation" ? copyForCache(w.conversation.groupState) : undefined,
      );
      for (let attempt = 1; ; attempt++) {
        const prepared = await prepare(open(), wrap, writes);
        const tx = open().transaction(WRITE_STORES, "readwrite");
        try {
          for (const write of prepared) await apply(tx, write);
        } catch (err) {
          try {
            tx.abort();
          } catch {
            // Already finished: the error below is still the one to report.
          }
          await tx.done.catch(() => undefined);
          // Another write moved a group state on since this batch was sealed: seal it again.
          if (err instanceof StaleGroupState && attempt < 5) continue;
          throw err;
        }
        await tx.done;
        meta.written(metaValues);
        states.written(
          prepared.flatMap((p, i) =>
            p.kind === "putConversation"
              ? [{ conversationId: p.conversation.id, state: stateCopies[i]!, plan: p.state }]
              : [],
          ),
        );
        return;
      }
    },
    // XP5, XP6, XP8 by a scan of every message: one person's messages, read once
    // per search; an index of our own would be a second copy of the text.
    async searchMessages(query, options) {
      const limit = checkSearchLimit(options?.limit, DEFAULT_SEARCH_LIMIT);
      return scanSearch(await open().getAll("messages"), query, limit);
    },
    async listExpiredMessages(now, limit) {
      // The expiry index holds only disappearing messages, in (expiresAt, key) order: compareExpiry's.
      const due = IDBKeyRange.upperBound(now);
      return open().getAllFromIndex("messages", "expiry", due, checkSearchLimit(limit, limit));
    },
    async nextExpiry() {
      const soonest = await open().getFromIndex("messages", "expiry", IDBKeyRange.lowerBound(-Infinity));
      return soonest?.expiresAt ?? null;
    },
    async scrub() {
      // The browser decides when IndexedDB's files are compacted (SPEC XP6).
      open();
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
