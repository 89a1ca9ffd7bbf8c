/**
 * Which seqs may hold an entry with a given idempotency key (DESIGN rule 3:
 * conversation, sender device, client message id), in memory (SPEC ST65).
 *
 * Client message ids are MIMI message ids, hashes, so a B-tree keyed by them
 * takes each append in a random leaf: one more WAL page per message, which
 * the checkpoint then copies again. That unique index was the SQLite
 * append's largest cost: 34 µs of CPU per message against 14 with ids that
 * count up (bench/README.md, "What the bench was not showing"). Here a key
 * is a 52-bit hash in an open-addressing table of typed arrays (16 bytes a
 * slot, at most half full), built from the log when the store opens.
 *
 * The table may say more than the log holds, never less: every entry the
 * log holds has its key here, but a seq found here may be an entry since
 * pruned, one a rolled-back transaction never kept, or another key with the
 * same hash. So a caller checks each seq against the log (log.ts); a
 * rolled-back insert needs no undoing, and a delete is forgotten here only
 * once it has committed.
 */

/** An empty slot; hashes are never 0 (see keyHash). */
const EMPTY = 0;
/** A forgotten slot: lookups go past it, adds may reuse it. */
const FORGOTTEN = -1;
const MIN_CAPACITY = 1024;

/**
 * A 52-bit hash of the key, from two 32-bit FNV-1a-style passes with
 * different seeds and multipliers. Each part ends with one more mixing step,
 * so moving a character from one part to the next changes the hash.
 */
export function keyHash(conversationId: string, senderDeviceId: string, clientMessageId: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (const part of [conversationId, senderDeviceId, clientMessageId]) {
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a = Math.imul(a, 0x01000193);
    b = Math.imul(b ^ 0xff, 0x5bd1e995);
  }
  const hash = (a >>> 0) * 0x100000 + ((b >>> 0) >>> 12);
  return hash === EMPTY ? 1 : hash;
}

export class IdempotencyKeys {
  private hashes = new Float64Array(MIN_CAPACITY);
  private seqs = new Float64Array(MIN_CAPACITY);
  /** Slots holding a key. */
  private live = 0;
  /** Slots forgotten since the last resize. */
  private forgotten = 0;

  get size(): number {
    return this.live;
  }

  /** Remember that `seq` holds the key hashed to `hash`. */
  add(hash: number, seq: number): void {
    if ((this.live + this.forgotten + 1) * 2 > this.hashes.length) this.resize();
    let slot = this.slotOf(hash);
    for (;;) {
      const there = this.hashes[slot]!;
      if (there === EMPTY || there === FORGOTTEN) {
        if (there === FORGOTTEN) this.forgotten--;
        this.hashes[slot] = hash;
        this.seqs[slot] = seq;
        this.live++;
        return;
      }
      slot = (slot + 1) & (this.hashes.length - 1);
    }
  }

  /** The seqs remembered for `hash`, oldest first as they were added. */
  seqsOf(hash: number): number[] {
    const found: number[] = [];
    let slot = this.slotOf(hash);
    for (;;) {
      const there = this.hashes[slot]!;
      if (there === EMPTY) return found;
      if (there === hash) found.push(this.seqs[slot]!);
      slot = (slot + 1) & (this.hashes.length - 1);
    }
  }

  /** Forget that `seq` holds the key hashed to `hash` (its entry is deleted). */
  forget(hash: number, seq: number): void {
    let slot = this.slotOf(hash);
    for (;;) {
      const there = this.hashes[slot]!;
      if (there === EMPTY) return;
      if (there === hash && this.seqs[slot] === seq) {
        this.hashes[slot] = FORGOTTEN;
        this.live--;
        this.forgotten++;
        return;
      }
      slot = (slot + 1) & (this.hashes.length - 1);
    }
  }

  private slotOf(hash: number): number {
    // The low 32 bits mix both passes.
    return hash % 0x100000000 & (this.hashes.length - 1);
  }

  /** Room for twice the live keys again, dropping forgotten slots. */
  private resize(): void {
    let capacity = MIN_CAPACITY;
    while (capacity < (this.live + 1) * 4) capacity *= 2;
    const { hashes, seqs } = this;
    this.hashes = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.live = 0;
    this.forgotten = 0;
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i]!;
      if (hash !== EMPTY && hash !== FORGOTTEN) this.add(hash, seqs[i]!);
    }
  }
}
