/**
 * The retention part of the Store port: pruning the log and the inboxes,
 * disappearing entries, and each device's quota counter. The whole port, and
 * the rules every method keeps, are in `port.ts`.
 */
/**
 * What the pruner may delete (see store/prune.ts and delivery/retention.ts):
 * log entries every member device has acknowledged and stored before
 * `ackedBefore` (the grace period), and anything stored before
 * `expiredBefore` (the retention limit), whatever the cursors.
 */
export interface PruneCut {
  ackedBefore: number;
  expiredBefore: number;
}

/** One bounded pruning step over conversations in id order. */
export interface PruneLogPage {
  /** Start after this conversation id ("" for the first). */
  after: string;
  /** Visit at most this many conversations. */
  conversations: number;
  /** Read and delete at most this many entries in all. */
  entries: number;
}

export interface PruneLogResult {
  deleted: number;
  /** Where the next step starts (its `after`); undefined when every conversation was visited. */
  next: string | undefined;
}

export interface RetentionStore {
  /**
   * One bounded pruning step (SPEC [ST26]): for each conversation visited,
   * delete the oldest entries `cut` allows (store/prune.ts), remember the
   * highest seq deleted as the conversation's prunedSeq (seqs are never
   * reused) and free the senders' quota. Each step is its own short write.
   */
  pruneLog(cut: PruneCut, page: PruneLogPage): Promise<PruneLogResult>;
  /** Delete at most `limit` inbox items stored before `expiredBefore`; resolves to how many. */
  pruneInbox(expiredBefore: number, limit: number): Promise<number>;
  /**
   * [XP7] The application entry at (conversationId, seq) expires at
   * `expiresAt` (ms); set again, the earlier time stays.
   */
  setEntryExpiry(conversationId: string, seq: number, expiresAt: number): Promise<void>;
  /** [XP7] Delete at most `limit` entries expired at `now` (freeing their senders' quota); resolves to how many. */
  pruneExpiredEntries(now: number, limit: number): Promise<number>;
  /** Bytes of the device's own application messages stored and not yet pruned (its quota counter). */
  queuedBytes(deviceId: string): Promise<number>;
}
