/**
 * Group states as this store last wrote or read them, unsealed, by version
 * (SPEC WB25). A version names one exact state (ST40), so a conversation
 * record whose version is the cached one reads no parts and opens none:
 * before, every read of a conversation unsealed each of its parts (an
 * AES-GCM decryption each), and listing conversations unsealed every group
 * state of the profile; receiving a message read one, and the chat list,
 * the requests and the cursor acks listed them all (bench/README.md,
 * 2026-12-07 morning).
 *
 * Values go in and out as copies (LS5). At most `limit` conversations are
 * kept, dropping the one read or written longest ago. They live in the
 * page's memory only, as the SDK's decoded states do (mls/stateCache.ts).
 */
import { copyGroupState, type StoredGroupState } from "../groupStateParts.js";

export class UnsealedStates {
  private readonly states = new Map<string, StoredGroupState>();

  constructor(private readonly limit = 64) {}

  has(conversationId: string, version: string): boolean {
    return this.states.get(conversationId)?.version === version;
  }

  /** A copy of the conversation's state if the cached one is `version`. */
  get(conversationId: string, version: string): StoredGroupState | undefined {
    const state = this.states.get(conversationId);
    if (state?.version !== version) return undefined;
    this.keep(conversationId, state);
    return copyGroupState(state);
  }

  /** A state just unsealed. */
  read(conversationId: string, state: StoredGroupState): void {
    this.keep(conversationId, copyGroupState(state));
  }

  /**
   * The copy to keep once a write of `state` commits: the parts it changed
   * copied over the cached state it was derived from, or a copy of every part.
   */
  next(conversationId: string, state: StoredGroupState): StoredGroupState {
    const base = this.states.get(conversationId);
    const delta = state.delta;
    if (base === undefined || delta === undefined || delta.base !== base.version)
      return copyGroupState(state);
    const parts = new Map(base.parts);
    for (const key of delta.removed) parts.delete(key);
    for (const key of delta.changed) parts.set(key, new Uint8Array(state.parts.get(key)!));
    return { version: state.version, parts };
  }

  /** A write of `state` (from `next`) committed. */
  written(conversationId: string, state: StoredGroupState): void {
    this.keep(conversationId, state);
  }

  private keep(conversationId: string, state: StoredGroupState): void {
    this.states.delete(conversationId);
    this.states.set(conversationId, state);
    if (this.states.size > this.limit) this.states.delete(this.states.keys().next().value!);
  }
}
