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

/**
 * Old slots moved per add or forget while the table grows. Growing all at
 * once stopped the event loop for the whole copy: 56 ms at 512k keys, 187 ms
 * at 2M, 712 ms at 8M (a day of a busy hub's log is tens of millions).
 * Spread out, each add moves at most this many slots, and the move ends long
 * before the next growth is due: the old table is at most half full, so
 * emptying it takes an eighth as many adds as there are keys, and the new
 * one, four times the keys, next grows after as many adds as keys. A hub
 * that stops adding keeps the old table, still searched, until it adds again.
 */
const MOVE_STEP = 16;

/** A table being emptied into a larger one, and the next of its slots to move. */
interface Draining {
  hashes: Float64Array;
  seqs: Float64Array;
  next: number;
}

export class IdempotencyKeys {
  private hashes = new Float64Array(MIN_CAPACITY);
  private seqs = new Float64Array(MIN_CAPACITY);
  /** Keys in `hashes`. */
  private held = 0;
  /** Slots of `hashes` forgotten since it was made. */
  private forgotten = 0;
  /** While the table grows: the smaller one, whose keys are still found there until moved. */
  private draining: Draining | undefined;
  /** Keys still in `draining`. */
  private waiting = 0;

  get size(): number {
    return this.held + this.waiting;
  }

  /** Remember that `seq` holds the key hashed to `hash`. */
  add(hash: number, seq: number): void {
    if (this.draining) this.move(MOVE_STEP);
    if ((this.held + this.forgotten + 1) * 2 > this.hashes.length) this.grow();
    this.place(hash, seq);
  }

  /** The seqs remembered for `hash` (in no promised order). */
  seqsOf(hash: number): number[] {
    const found: number[] = [];
    collect(this.hashes, this.seqs, hash, found);
    if (this.draining) collect(this.draining.hashes, this.draining.seqs, hash, found);
    return found;
  }

  /** Forget that `seq` holds the key hashed to `hash` (its entry is deleted). */
  forget(hash: number, seq: number): void {
    if (remove(this.hashes, this.seqs, hash, seq)) {
      this.held--;
      this.forgotten++;
    } else if (this.draining && remove(this.draining.hashes, this.draining.seqs, hash, seq)) {
      this.waiting--;
    }
    if (this.draining) this.move(MOVE_STEP);
  }

  /** Into the current table, which has room (add and grow see to it). */
  private place(hash: number, seq: number): void {
    const mask = this.hashes.length - 1;
    let slot = homeSlot(hash, mask);
    for (;;) {
      const there = this.hashes[slot]!;
      if (there === EMPTY || there === FORGOTTEN) {
        if (there === FORGOTTEN) this.forgotten--;
        this.hashes[slot] = hash;
        this.seqs[slot] = seq;
        this.held++;
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** A table with room for four times the keys; the old one drains into it over later calls. */
  private grow(): void {
    // Rare: growth due again before the last move ended (a burst of forgets); end it now.
    if (this.draining) this.move(Infinity);
    let capacity = MIN_CAPACITY;
    while (capacity < (this.size + 1) * 4) capacity *= 2;
    this.draining = { hashes: this.hashes, seqs: this.seqs, next: 0 };
    this.waiting = this.held;
    this.hashes = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.held = 0;
    this.forgotten = 0;
  }

  /** Move up to `count` slots of the draining table into the current one. */
  private move(count: number): void {
    const from = this.draining!;
    const end = Math.min(from.next + count, from.hashes.length);
    for (let i = from.next; i < end; i++) {
      const hash = from.hashes[i]!;
      if (hash === EMPTY || hash === FORGOTTEN) continue;
      // Marked, not emptied: a probe of the old table must still go past it.
      from.hashes[i] = FORGOTTEN;
      this.waiting--;
      this.place(hash, from.seqs[i]!);
    }
    from.next = end;
    if (end === from.hashes.length) this.draining = undefined;
  }
}

/** The low 32 bits mix both passes of keyHash. */
function homeSlot(hash: number, mask: number): number {
  return hash % 0x100000000 & mask;
}

function collect(hashes: Float64Array, seqs: Float64Array, hash: number, found: number[]): void {
  const mask = hashes.length - 1;
  let slot = homeSlot(hash, mask);
  for (;;) {
    const there = hashes[slot]!;
    if (there === EMPTY) return;
    if (there === hash) found.push(seqs[slot]!);
    slot = (slot + 1) & mask;
  }
}

/** Mark (hash, seq)'s slot forgotten; whether it was there. */
function remove(hashes: Float64Array, seqs: Float64Array, hash: number, seq: number): boolean {
  const mask = hashes.length - 1;
  let slot = homeSlot(hash, mask);
  for (;;) {
    const there = hashes[slot]!;
    if (there === EMPTY) return false;
    if (there === hash && seqs[slot] === seq) {
      hashes[slot] = FORGOTTEN;
      return true;
    }
    slot = (slot + 1) & mask;
  }
}
