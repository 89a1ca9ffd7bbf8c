/**
 * Who is typing where, on the receiving side (SPEC EP7). Pure: time comes
 * in as a number. A typing signal holds for TYPING_TTL_MS after it arrived
 * (the sender repeats it while typing); anything older is gone.
 */
export const TYPING_TTL_MS = 15_000;

export class TypingState {
  /** conversationId -> address -> until (ms). */
  private readonly until = new Map<string, Map<string, number>>();

  /** Record a signal; answers its expiry. */
  typing(conversationId: string, address: string, now: number): number {
    let byAddress = this.until.get(conversationId);
    if (!byAddress) this.until.set(conversationId, (byAddress = new Map<string, number>()));
    const expiresAt = now + TYPING_TTL_MS;
    byAddress.set(address, expiresAt);
    return expiresAt;
  }

  /** A message from them ends their typing at once. */
  stopped(conversationId: string, address: string): void {
    this.until.get(conversationId)?.delete(address);
  }

  /** Addresses typing in the conversation at `now`, sorted; forgets the expired. */
  active(conversationId: string, now: number): string[] {
    const byAddress = this.until.get(conversationId);
    if (!byAddress) return [];
    for (const [address, until] of byAddress) if (until <= now) byAddress.delete(address);
    if (byAddress.size === 0) this.until.delete(conversationId);
    return [...byAddress.keys()].sort();
  }
}
