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

/** What a write did to a conversation's stored parts (indexeddb/groupStateParts.ts PreparedGroupState). */
export interface WritePlan {
  expected: string | undefined;
  replace: boolean;
  remove: readonly string[];
}

/** A copy owning its bytes that keeps the delta (a write's plan reads it). */
export function copyForCache(state: StoredGroupState): StoredGroupState {
  const copy = copyGroupState(state);
  return state.delta ? { ...copy, delta: state.delta } : copy;
}

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
   * A committed write's group states, in its order, each with what the write
   * did to the stored parts (prepare's plan: replace them all, or apply the
   * delta to the `expected` version). A delta whose base is neither cached
   * nor earlier in the write leaves that conversation uncached.
   */
  written(puts: readonly { conversationId: string; state: StoredGroupState; plan: WritePlan }[]): void {
    const after = new Map<string, StoredGroupState | undefined>();
    for (const { conversationId, state, plan } of puts) {
      const before = after.has(conversationId) ? after.get(conversationId) : this.states.get(conversationId);
      const base = before?.version === plan.expected ? before : undefined;
      let next: StoredGroupState | undefined;
      if (plan.replace) next = { version: state.version, parts: state.parts };
      else if (base === undefined) next = undefined;
      else if (state.version === base.version) next = base;
      else {
        const parts = new Map(base.parts);
        for (const key of plan.remove) parts.delete(key);
        for (const key of state.delta?.changed ?? []) parts.set(key, state.parts.get(key)!);
        next = { version: state.version, parts };
      }
      after.set(conversationId, next);
    }
    for (const [conversationId, state] of after) {
      if (state) this.keep(conversationId, state);
      else this.states.delete(conversationId);
    }
  }

  private keep(conversationId: string, state: StoredGroupState): void {
    this.states.delete(conversationId);
    this.states.set(conversationId, state);
    if (this.states.size > this.limit) this.states.delete(this.states.keys().next().value!);
  }
}
