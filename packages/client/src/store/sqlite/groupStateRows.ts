/**
 * Group states as parts (SPEC ST40-ST44): one row per part in
 * group_state_parts (migration 5), the version in conversations.state_version.
 * A put writes only the changed parts when the stored version is the one
 * the state was derived from (ST41), else replaces them all. Called inside
 * `write`'s transaction, so the parts, the conversation row and the messages
 * of a step are stored together or not at all (ST42).
 */
import type Database from "better-sqlite3";
import { groupStateWrites, type StoredGroupState } from "../groupStateParts.js";

export function prepareGroupStateStatements(db: Database.Database) {
  return {
    version: db.prepare<[string], { state_version: string }>(
      "SELECT state_version FROM conversations WHERE id = ?",
    ),
    parts: db.prepare<[string], { key: string; value: Uint8Array }>(
      "SELECT key, value FROM group_state_parts WHERE conversation_id = ?",
    ),
    put: db.prepare<[string, string, Uint8Array]>(
      "INSERT OR REPLACE INTO group_state_parts (conversation_id, key, value) VALUES (?, ?, ?)",
    ),
    remove: db.prepare<[string, string]>("DELETE FROM group_state_parts WHERE conversation_id = ? AND key = ?"),
    removeAll: db.prepare<[string]>("DELETE FROM group_state_parts WHERE conversation_id = ?"),
  };
}

export type GroupStateStatements = ReturnType<typeof prepareGroupStateStatements>;

/** The version stored for a conversation before this write, or undefined when it is new. */
export function storedVersion(statements: GroupStateStatements, conversationId: string): string | undefined {
  return statements.version.get(conversationId)?.state_version;
}

/** Store `state`'s parts for the conversation, which held `before` (its stored version). */
export function writeGroupState(
  statements: GroupStateStatements,
  conversationId: string,
  before: string | undefined,
  state: StoredGroupState,
): void {
  const writes = groupStateWrites(before, state);
  if (writes.kind === "replace") statements.removeAll.run(conversationId);
  else for (const key of writes.remove) statements.remove.run(conversationId, key);
  for (const [key, value] of writes.put) statements.put.run(conversationId, key, value);
}

/** A conversation's stored parts, copied out of the driver's Buffers (LS5). */
export function readGroupState(
  statements: GroupStateStatements,
  conversationId: string,
  version: string,
): StoredGroupState {
  const parts = new Map<string, Uint8Array>();
  for (const row of statements.parts.all(conversationId)) parts.set(row.key, new Uint8Array(row.value));
  return { version, parts };
}
