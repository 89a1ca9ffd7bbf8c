/**
 * Pruning the log, written once for every adapter: which of a conversation's
 * oldest entries may go. Adapters read the oldest entries still stored, ask
 * prunablePrefix how many of them to delete, and delete that many from the
 * front, so a conversation's stored entries always stay one contiguous run
 * of seqs (prunedSeq + 1 ... lastSeq) and "behind the first stored seq"
 * means "asked for something pruned".
 */
import type { PruneCut } from "./port.js";

/** One of a conversation's oldest stored entries, as the pruner sees it. */
export interface PruneCandidate {
  seq: number;
  serverTime: number;
}

/**
 * How many of `oldest` (a conversation's oldest stored entries, in seq
 * order) to delete: the longest prefix whose entries are each past the
 * retention limit, or acknowledged by every member device (seq <= minCursor;
 * null when the conversation has no member left) and past the grace period.
 * A prefix, not a filter: one entry that must stay keeps every later one.
 */
export function prunablePrefix(
  oldest: readonly PruneCandidate[],
  minCursor: number | null,
  cut: PruneCut,
): number {
  let n = 0;
  for (const entry of oldest) {
    const expired = entry.serverTime < cut.expiredBefore;
    const acked = (minCursor === null || entry.seq <= minCursor) && entry.serverTime < cut.ackedBefore;
    if (!expired && !acked) break;
    n++;
  }
  return n;
}

/** Bytes freed per sender device, for the quota counters (application entries only). */
export function bytesBySender(
  deleted: readonly { kind: string; senderDeviceId: string; bytes: number }[],
): Map<string, number> {
  const freed = new Map<string, number>();
  for (const entry of deleted) {
    if (entry.kind !== "application") continue;
    freed.set(entry.senderDeviceId, (freed.get(entry.senderDeviceId) ?? 0) + entry.bytes);
  }
  return freed;
}
