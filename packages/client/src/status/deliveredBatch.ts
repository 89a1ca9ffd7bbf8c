/**
 * Delivered receipts waiting to go (SPEC RS2): coalesced per conversation, so
 * a sync or a burst of pushes that stores fifty messages sends one report
 * per conversation, not fifty. Pure bookkeeping; statusModule.ts decides when
 * to flush (after a quiet moment, or when asked).
 */
import { MAX_STATUS_ENTRIES } from "@switchboard/protocol";

export class DeliveredBatch {
  private readonly pending = new Map<string, Set<string>>();

  add(conversationId: string, messageId: string): void {
    let ids = this.pending.get(conversationId);
    if (!ids) this.pending.set(conversationId, (ids = new Set()));
    ids.add(messageId);
  }

  get size(): number {
    let n = 0;
    for (const ids of this.pending.values()) n += ids.size;
    return n;
  }

  /** Everything pending, as reports of at most MAX_STATUS_ENTRIES ids each; the batch is then empty. */
  take(): { conversationId: string; messageIds: string[] }[] {
    const reports: { conversationId: string; messageIds: string[] }[] = [];
    for (const [conversationId, ids] of this.pending) {
      const all = [...ids];
      for (let i = 0; i < all.length; i += MAX_STATUS_ENTRIES)
        reports.push({ conversationId, messageIds: all.slice(i, i + MAX_STATUS_ENTRIES) });
    }
    this.pending.clear();
    return reports;
  }
}
