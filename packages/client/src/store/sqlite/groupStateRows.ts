/**
 * Group states as parts (SPEC ST40-ST44): one row per part in
 * group_state_parts (migration 5), the version in conversations.state_version.
 * A put writes only the changed parts when the stored version is the one
 * the state was derived from (ST41), else replaces them all. Called inside
 * `write`'s transaction, so the parts, the conversation row and the messages
 * of a step are stored together or not at all (ST42).
 */
import type Database from "better-sqlite3";
import { LocalStoreError } from "../errors.js";
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
    remove: db.prepare<[string, string]>(
      "DELETE FROM group_state_parts WHERE conversation_id = ? AND key = ?",
    ),
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

/**
 * A conversation's stored state, its parts read when first asked for (ST45):
 * the SDK's decoded-state cache knows most states by their version, and
 * listing conversations reads none. The parts are copied out of the
 * driver's Buffers (LS5), and only while the stored version is still this
 * one: otherwise they would be another state's (STALE_STATE).
 */
export interface LazyGroupState extends StoredGroupState {
  /** Read the parts now, if they were not yet (before the store closes). */
  materialize(): void;
}

export function readGroupState(
  statements: GroupStateStatements,
  conversationId: string,
  version: string,
): LazyGroupState {
  let parts: Map<string, Uint8Array> | undefined;
  const read = (): Map<string, Uint8Array> => {
    if (parts !== undefined) return parts;
    if (storedVersion(statements, conversationId) !== version)
      throw new LocalStoreError(
        "STALE_STATE",
        `the group state of ${conversationId} changed since it was read: read the conversation again`,
      );
    parts = new Map();
    for (const row of statements.parts.all(conversationId)) parts.set(row.key, new Uint8Array(row.value));
    return parts;
  };
  const state = {
    version,
    get parts(): ReadonlyMap<string, Uint8Array> {
      return read();
    },
    materialize(): void {
      // Only while it is still the stored state: a stale one has nothing left to read.
      if (parts === undefined && storedVersion(statements, conversationId) === version) read();
    },
  };
  // Not enumerable: a read conversation compares equal to the one written.
  Object.defineProperty(state, "materialize", { enumerable: false });
  return state;
}

/**
 * The lazy states handed out and still referenced, so that closing the
 * store reads their parts first: a value read before `close` stays whole (LS5, LS7).
 */
export class LazyStates {
  readonly #live = new Set<WeakRef<LazyGroupState>>();
  readonly #gone = new FinalizationRegistry<WeakRef<LazyGroupState>>((ref) => this.#live.delete(ref));

  track(state: LazyGroupState): LazyGroupState {
    const ref = new WeakRef(state);
    this.#live.add(ref);
    this.#gone.register(state, ref);
    return state;
  }

  materializeAll(): void {
    for (const ref of this.#live) ref.deref()?.materialize();
    this.#live.clear();
  }
}
