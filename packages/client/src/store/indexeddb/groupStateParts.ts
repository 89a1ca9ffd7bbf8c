/**
 * Group states as parts in IndexedDB (SPEC ST40-ST44, schema version 5): one
 * sealed record per part in "groupStateParts", keyed [conversationId, key];
 * the conversation record keeps the version. Parts are sealed before the
 * write transaction opens (IndexedDB would commit it across a WebCrypto
 * await), for the stored version read just before; if another write changed
 * it meanwhile the transaction is aborted and the batch prepared again
 * (StaleGroupState).
 */
import { groupStateWrites, type StoredGroupState } from "../groupStateParts.js";
import type { LocalConversation } from "../port.js";
import type { KeyWrap } from "./keyWrap.js";

/** A conversation record as stored since version 5: the state's version, its parts apart. */
export type IdbConversation = Omit<LocalConversation, "groupState"> & {
  stateVersion: string;
  /** Before version 5: the sealed whole state (moved to a "v1" part by the upgrade). */
  groupState?: Uint8Array;
};

export interface IdbGroupStatePart {
  conversationId: string;
  key: string;
  sealed: Uint8Array;
}

export const LEGACY_KEY = "v1";

/** What a part is sealed to: its conversation and key. The migrated "v1" keeps its old binding. */
export function partRecord(conversationId: string, key: string): string {
  return key === LEGACY_KEY ? `conversation/${conversationId}` : `groupState/${conversationId}/${key}`;
}

/** Every part of one conversation: arrays sort after strings in IndexedDB's key order. */
export function partsOf(conversationId: string): IDBKeyRange {
  return IDBKeyRange.bound([conversationId], [conversationId, []]);
}

export interface PreparedGroupState {
  /** The stored version the sealed writes assume (undefined: no conversation stored). */
  expected: string | undefined;
  replace: boolean;
  put: IdbGroupStatePart[];
  remove: string[];
}

/** Thrown inside a write when the stored version is not the one the batch was prepared for. */
export class StaleGroupState extends Error {}

export async function prepareGroupState(
  wrap: KeyWrap,
  conversationId: string,
  expected: string | undefined,
  state: StoredGroupState,
): Promise<PreparedGroupState> {
  const writes = groupStateWrites(expected, state);
  const put: IdbGroupStatePart[] = [];
  for (const [key, value] of writes.put)
    put.push({ conversationId, key, sealed: await wrap.seal(value, partRecord(conversationId, key)) });
  return {
    expected,
    replace: writes.kind === "replace",
    put,
    remove: writes.kind === "delta" ? writes.remove : [],
  };
}

/** A conversation's stored parts (read in the same transaction as its record), unsealed. */
export async function unsealGroupState(
  wrap: KeyWrap,
  version: string,
  stored: IdbGroupStatePart[],
): Promise<StoredGroupState> {
  const parts = new Map<string, Uint8Array>();
  for (const part of stored)
    parts.set(part.key, await wrap.open(part.sealed, partRecord(part.conversationId, part.key)));
  return { version, parts };
}

/** Every stored part, by conversation. */
export function partsByConversation(parts: IdbGroupStatePart[]): Map<string, IdbGroupStatePart[]> {
  const byConversation = new Map<string, IdbGroupStatePart[]>();
  for (const part of parts) {
    const list = byConversation.get(part.conversationId) ?? [];
    list.push(part);
    byConversation.set(part.conversationId, list);
  }
  return byConversation;
}
