/**
 * A group state as the LocalStore keeps it (SPEC ST40-ST44): named parts
 * (opaque bytes the MLS engine lays out, mls/stateParts.ts), so that a step
 * writes only the parts it changed: an application message one secret-tree
 * row, a commit the parts of the new epoch.
 *
 * The store needs no MLS knowledge. When the stored version is `delta.base`,
 * an adapter writes the `changed` parts and deletes the `removed` ones, and
 * leaves every other part as stored; otherwise it replaces every part with
 * `parts` (ST41). The engine's states always carry every part, so both give
 * the same state; the first writes what one step changed.
 */

export interface GroupStateDelta {
  /** The version this state was derived from. */
  readonly base: string;
  /** Keys whose value differs from the base's (their values are in `parts`). */
  readonly changed: readonly string[];
  /** Keys the base has and this state has not. */
  readonly removed: readonly string[];
}

export interface StoredGroupState {
  /** Names this exact state (unique per saved state); stored with it. */
  readonly version: string;
  /** Every part of the state, by key. */
  readonly parts: ReadonlyMap<string, Uint8Array>;
  /** What changed since the version it was derived from (a write hint, ST41). */
  readonly delta?: GroupStateDelta;
}

/** What an adapter writes for `next` when it holds `storedVersion` (undefined: nothing stored). */
export type GroupStateWrites =
  | { kind: "delta"; put: [string, Uint8Array][]; remove: string[] }
  | { kind: "replace"; put: [string, Uint8Array][] };

export function groupStateWrites(
  storedVersion: string | undefined,
  next: StoredGroupState,
): GroupStateWrites {
  // A version names one exact state: the same version means the same parts.
  if (storedVersion !== undefined && storedVersion === next.version)
    return { kind: "delta", put: [], remove: [] };
  const delta = next.delta;
  if (delta !== undefined && storedVersion !== undefined && delta.base === storedVersion) {
    return {
      kind: "delta",
      put: delta.changed.map((key) => [key, partOf(next, key)]),
      remove: [...delta.removed],
    };
  }
  return { kind: "replace", put: [...next.parts] };
}

function partOf(state: StoredGroupState, key: string): Uint8Array {
  const value = state.parts.get(key);
  if (value === undefined) throw new Error(`group state delta names a missing part ${key}`);
  return value;
}

/** A copy owning its bytes (LS5); the delta hint is dropped, reads never carry one. */
export function copyGroupState(state: StoredGroupState): StoredGroupState {
  const parts = new Map<string, Uint8Array>();
  for (const [key, value] of state.parts) parts.set(key, new Uint8Array(value));
  return { version: state.version, parts };
}

/** Total bytes of a state's parts. */
export function groupStateSize(state: StoredGroupState): number {
  let size = 0;
  for (const value of state.parts.values()) size += value.length;
  return size;
}
