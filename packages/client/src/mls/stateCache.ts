/**
 * Keeps recently used group states decoded. The SDK persists a group's state
 * as bytes after every step and reads it back for the next one; decoding a
 * 1,000-device group's state took ~100 ms per message (bench/mls.ts
 * "load+save"), so the engine hands back the state it already has when the
 * bytes are the ones it last produced or decoded.
 *
 * Stored parts (saveState/loadState, SPEC ST40) are cached by their
 * version, which names one exact state: a profile with hundreds of
 * conversations decodes a group's state when it is first used, and keeps
 * at most `capacity` decoded (ST45).
 *
 * Safe with ts-mls's one-way states: the SDK only ever reads back the bytes
 * of the newest persisted state, never those of a state a newer one was
 * derived from and used.
 */
import { equalBytes } from "@switchboard/protocol";
import type { GroupEngine, GroupState } from "./engine.js";

interface Entry {
  bytes: Uint8Array;
  state: GroupState;
}

export function withStateCache(engine: GroupEngine, capacity = 64): GroupEngine {
  const entries: Entry[] = []; // least recently used first
  const remember = (bytes: Uint8Array, state: GroupState) => {
    const same = entries.findIndex((e) => e.state === state || equalBytes(e.bytes, bytes));
    if (same !== -1) entries.splice(same, 1);
    entries.push({ bytes, state });
    if (entries.length > capacity) entries.shift();
  };
  const versions = new Map<string, GroupState>(); // least recently used first
  const rememberVersion = (version: string, state: GroupState) => {
    versions.delete(version);
    versions.set(version, state);
    if (versions.size > capacity) versions.delete(versions.keys().next().value!);
  };
  return {
    saveState(state) {
      const stored = engine.saveState(state);
      rememberVersion(stored.version, state);
      return stored;
    },
    loadState(stored) {
      const hit = versions.get(stored.version);
      if (hit !== undefined) {
        rememberVersion(stored.version, hit);
        return hit;
      }
      const state = engine.loadState(stored);
      rememberVersion(stored.version, state);
      return state;
    },
    generateKeyPackage: (identity, options) => engine.generateKeyPackage(identity, options),
    createGroup: (identity, groupId, options) => engine.createGroup(identity, groupId, options),
    createCommit: (identity, state, change) => engine.createCommit(identity, state, change),
    joinFromWelcome: (identity, welcome, find) => engine.joinFromWelcome(identity, welcome, find),
    joinExternal: (identity, groupInfo) => engine.joinExternal(identity, groupInfo),
    encrypt: (identity, state, plaintext) => engine.encrypt(identity, state, plaintext),
    process: (identity, state, message) => engine.process(identity, state, message),
    members: (state) => engine.members(state),
    pendingRemovals: (state) => engine.pendingRemovals(state),
    proposeLeave: (identity, state) => engine.proposeLeave(identity, state),
    settings: (state) => engine.settings(state),
    groupExtension: (state, type) => engine.groupExtension(state, type),
    serialize(state) {
      const bytes = engine.serialize(state);
      remember(bytes, state);
      return bytes;
    },
    deserialize(bytes) {
      const index = entries.findIndex((e) => equalBytes(e.bytes, bytes));
      if (index !== -1) {
        const [hit] = entries.splice(index, 1);
        entries.push(hit!);
        return hit!.state;
      }
      const state = engine.deserialize(bytes);
      remember(bytes.slice(), state);
      return state;
    },
  };
}
