/**
 * The part of the Store port that keeps blocklists (SPEC PP5-PP7): per
 * account, the accounts it has blocked. Its own file so the big shared port
 * grows by one `extends`. Both adapters implement it; the Store contract
 * suite covers it (test/store/contract/blocks.ts).
 *
 * - [PP5] A block is keyed by (blocker, blocked) address: blocking twice
 *   keeps one row (and its first time); unblocking what is not blocked does
 *   nothing. `listBlocked` is by address, paged after `afterAddress`.
 *   `blockedInDirect` sees a block at once (the next send after it).
 */
export interface BlockRecord {
  /** The blocked account's normalised address. */
  address: string;
  /** When the blocker first blocked it (ms). */
  blockedAt: number;
}

export interface BlockList {
  /** Block `blocked` for `blocker`; false when it already was. */
  block(blocker: string, blocked: string, at: number): Promise<boolean>;
  /** Lift the block; false when there was none. */
  unblock(blocker: string, blocked: string): Promise<boolean>;
  /** Whether `blocker` has blocked `blocked`. */
  hasBlocked(blocker: string, blocked: string): Promise<boolean>;
  /**
   * [PP6] Whether `conversationId` is a direct conversation whose other
   * participant has blocked `sender`: one indexed read on the send path.
   */
  blockedInDirect(conversationId: string, sender: string): Promise<boolean>;
  /**
   * [PP1] Whether accounts `a` and `b` are both participants of some
   * conversation (a closed app's user who wrote to `a` may then be checked).
   */
  sharesConversation(a: string, b: string): Promise<boolean>;
  /** The accounts `blocker` has blocked, by address, at most `limit` after `afterAddress` ("" from the start). */
  listBlocked(blocker: string, afterAddress: string, limit: number): Promise<BlockRecord[]>;
}
