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

export function createSqliteStore(db: Database.Database): LocalStore {
  const statements = prepareStatements(db);
  const writeAll = db.transaction((writes: LocalWrite[]) => {
    for (const write of writes) applyWrite(statements, write);
  });
  let closed = false;
  const live = (): Statements => {
    if (closed) throw closedStore();
    return statements;
  };

  return {
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
      return row && toConversation(row);
    },
    async listConversations() {
      return live().listConversations.all().map(toConversation);
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
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
