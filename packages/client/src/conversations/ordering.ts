/**
 * The order a device applies a conversation's log in (SPEC CT14). MLS needs
 * it: a commit changes the keys every later entry is read with, so entries
 * are applied strictly in seq order, each once, and a gap is filled from the
 * hub before anything after it. Pure: the Applier does the I/O.
 */

/** Where an entry stands against the applied position. */
export type Placement = "applied" | "next" | "gap";

export function placeEntry(appliedSeq: number, seq: number): Placement {
  if (seq <= appliedSeq) return "applied";
  return seq === appliedSeq + 1 ? "next" : "gap";
}

/**
 * Seqs of this device's own application messages that the hub acknowledged
 * ahead of an entry still to come, per conversation. The hub does not push a
 * device its own message back (DS4), so each such seq counts as applied as
 * soon as everything before it is. Memory only: after a restart a fetch
 * returns the entries and the applier skips its own.
 */
export class OwnSeqs {
  private readonly byConversation = new Map<string, Set<number>>();

  add(conversationId: string, seq: number): void {
    let own = this.byConversation.get(conversationId);
    if (!own) this.byConversation.set(conversationId, (own = new Set()));
    own.add(seq);
  }

  /**
   * The applied position once every own seq that directly follows
   * `appliedSeq` is passed; own seqs already behind it are forgotten.
   */
  pass(conversationId: string, appliedSeq: number): number {
    const own = this.byConversation.get(conversationId);
    if (!own) return appliedSeq;
    let seq = appliedSeq;
    for (const s of own) if (s <= seq) own.delete(s);
    while (own.delete(seq + 1)) seq++;
    if (own.size === 0) this.byConversation.delete(conversationId);
    return seq;
  }
}
