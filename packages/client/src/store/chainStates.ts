/**
 * Successive group states stored as one (SPEC ST41, WB24): apart from
 * groupStateParts.ts so that it loads with the batch that uses it
 * (conversations/appliedBatch.ts), not with the page (WB16).
 */
import type { StoredGroupState } from "./groupStateParts.js";

/**
 * The last of successive states (each derived from the one before, the first
 * from the stored `base` version), with one delta against `base`: what a
 * batch that stores only the last state writes (ST41, SPEC WB24). The parts
 * any of them changed and still exist, and those gone by the end. A state
 * whose delta is not against the one before it breaks the chain: the last
 * then goes without a delta, and the adapter replaces every part.
 */
export function chainStates(base: string | undefined, states: readonly StoredGroupState[]): StoredGroupState {
  const last = states.at(-1);
  if (last === undefined) throw new Error("chainStates needs at least one state");
  const changed = new Set<string>();
  const removed = new Set<string>();
  let previous = base;
  for (const state of states) {
    if (state.version === previous) continue; // the same state saved again: nothing changed
    const delta = state.delta;
    if (previous === undefined || delta === undefined || delta.base !== previous)
      return { version: last.version, parts: last.parts };
    for (const key of delta.changed) changed.add(key);
    for (const key of delta.removed) removed.add(key);
    previous = state.version;
  }
  if (last.version === base) return { version: last.version, parts: last.parts };
  return {
    version: last.version,
    parts: last.parts,
    delta: {
      base: base!,
      changed: [...changed].filter((key) => last.parts.has(key)),
      removed: [...removed].filter((key) => !last.parts.has(key)),
    },
  };
}
