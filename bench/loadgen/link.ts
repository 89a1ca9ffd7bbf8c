/**
 * One conversation on one system under test, as the load generator sees it.
 * The hub and the baseline forwarder each implement it, so the same pacing
 * and measurement code (driver.ts, tracker.ts) drives both.
 */
export interface ConversationLink {
  /**
   * Send the next message. `accepted(seq)` runs when the system has taken it
   * (the hub: acknowledged, durable; the baseline acknowledges nothing, so at
   * once with the seq it stamped into the frame).
   */
  send(accepted: (seq: number, at: number) => void, refused: (reason: string) => void): void;
  close(): void;
}

/** Called for every message a receiver gets: its seq and the local receive time. */
export type OnDelivery = (seq: number, receivedAt: number) => void;

/** Run `task` over `items` with at most `limit` at a time (logging in hundreds of devices). */
export async function inBatches<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
