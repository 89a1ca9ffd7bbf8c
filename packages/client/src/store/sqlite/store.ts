/**
 * The LocalStore over an open, migrated better-sqlite3 connection. The driver
 * is synchronous, so each call runs to completion before another starts, and
 * `write` is one IMMEDIATE transaction (LS1).
 */
import type Database from "better-sqlite3";
import { closedStore } from "../errors.js";
import { checkMessageListing } from "../listing.js";
import { checkRecentListing } from "../recentPort.js";
import type { LocalStore, LocalWrite } from "../port.js";
import { toConversation, toIdentity, toKeyPackage, toMessage, toOutboxItem, toReaction } from "./rows.js";
import { prepareStatements, type Statements } from "./statements.js";
import { applyWrite } from "./writes.js";
import { LazyStates, readGroupState } from "./groupStateRows.js";
import { createSqliteReceipts } from "./receipts.js";
import type { ReceiptStore } from "../receiptsPort.js";
import type { MessageExpiryStore } from "../expiryPort.js";
import { DEFAULT_SEARCH_LIMIT, type MessageSearchStore } from "../searchPort.js";
import { checkSearchLimit, ftsQuery, searchWords } from "../searchText.js";

export function createSqliteStore(
  db: Database.Database,
): LocalStore & ReceiptStore & MessageSearchStore & MessageExpiryStore {
  const statements = prepareStatements(db);
  const writeAll = db.transaction((writes: LocalWrite[]) => {
    for (const write of writes) applyWrite(statements, write);
  });
  let closed = false;
  const lazy = new LazyStates();
  const groupStateOf = (row: { id: string; state_version: string }) =>
    lazy.track(readGroupState(statements.groupState, row.id, row.state_version));
  const live = (): Statements => {
    if (closed) throw closedStore();
    return statements;
  };

  return {
    ...createSqliteReceipts(db, live),
    async getIdentity() {
      const row = live().getIdentity.get();
      return row && toIdentity(row);
    },
    async getKeyPackage(ref) {
      const row = live().getKeyPackage.get(ref);
      return row && toKeyPackage(row);
    },
    async countKeyPackages() {
      const counts = { oneTime: 0, lastResort: 0 };
      for (const row of live().countKeyPackages.all()) {
        if (row.last_resort === 1) counts.lastResort = row.count;
        else counts.oneTime = row.count;
      }
      return counts;
    },
    async listKeyPackages() {
      return live()
        .listKeyPackages.all()
        .map((row) => ({ ref: row.ref, lastResort: row.last_resort === 1, createdAt: row.created_at }));
    },
    async getConversation(id) {
      const row = live().getConversation.get(id);
      return row && toConversation(row, groupStateOf(row));
    },
    async listConversations() {
      return live()
        .listConversations.all()
        .map((row) => toConversation(row, groupStateOf(row)));
    },
    async hasMessage(conversationId, id) {
      return live().hasMessage.get(conversationId, id) !== undefined;
    },
    async listMessages(conversationId, options) {
      const { afterSeq, limit } = checkMessageListing(options);
      const rows = live().listMessages.all({
        conversation_id: conversationId,
        after_seq: afterSeq ?? null,
        limit: limit ?? -1,
      });
      return rows.map(toMessage);
    },
    async listRecentMessages(conversationId, options) {
      const { beforeSeq, limit } = checkRecentListing(options);
      const rows = live().listRecentMessages.all({
        conversation_id: conversationId,
        before_seq: beforeSeq ?? null,
        limit: limit ?? -1,
      });
      return rows.map(toMessage);
    },
    async getMessage(conversationId, id) {
      const row = live().getMessage.get(conversationId, id);
      return row && toMessage(row);
    },
    async listReactions(conversationId, messageId) {
      return live().listReactions.all(conversationId, messageId).map(toReaction);
    },
    async listOutbox() {
      return live().listOutbox.all().map(toOutboxItem);
    },
    async getMeta(key) {
      return live().getMeta.get(key)?.value;
    },
    async write(writes) {
      live();
      writeAll.immediate(writes);
    },
    async searchMessages(query, options) {
      const limit = checkSearchLimit(options?.limit, DEFAULT_SEARCH_LIMIT);
      const terms = searchWords(query);
      if (terms.length === 0 || limit === 0) return [];
      return live().searchMessages.all(ftsQuery(terms), limit).map(toMessage);
    },
    async listExpiredMessages(now, limit) {
      return live().listExpired.all(now, checkSearchLimit(limit, limit)).map(toMessage);
    },
    async nextExpiry() {
      return live().nextExpiry.get()?.next ?? null;
    },
    async scrub() {
      live();
      // XP6: secure_delete (open.ts) zeroes freed cells and pages; merging the
      // index leaves no segment with an old token; the TRUNCATE checkpoint
      // copies the WAL back and empties it, so no old frame holds the text.
      db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
      db.pragma("wal_checkpoint(TRUNCATE)");
    },
    async close() {
      if (closed) return;
      lazy.materializeAll();
      closed = true;
      db.close();
    },
  };
}
