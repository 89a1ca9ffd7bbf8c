/**
 * Meta values as this store last read or wrote them, unsealed (SPEC WB21).
 * Every meta value is sealed, so each read was an IndexedDB transaction and
 * an AES-GCM decryption; receiving one message read three or four (a block,
 * a request state, its files; bench/README.md, 2026-12-07 morning). One tab
 * at a time holds a profile (profile/webLock.ts), so this store is the only
 * writer and what it wrote is what is stored: the keys stored are read once
 * when the store opens (a key nobody set is answered without a read), a
 * value is cached once read and replaced once a write of it has committed.
 *
 * A read that began before a write committed may carry the old value: it is
 * answered, not cached (the generation moved on). The cache holds at most
 * `limit` values, dropping the oldest read; it lives in the page's memory
 * only, which holds these values anyway while they are used.
 */
export class MetaCache {
  private readonly values = new Map<string, string>();
  private generation = 0;

  constructor(
    /** Every key stored when the store opened. */
    private readonly keys: Set<string>,
    private readonly limit = 4096,
  ) {}

  /** The value, undefined when none is stored, or MISS when it must be read. */
  get(key: string): string | undefined | typeof MISS {
    if (!this.keys.has(key)) return undefined;
    return this.values.get(key) ?? MISS;
  }

  /** Where a read begins: hand it to `read` with the value found. */
  mark(): number {
    return this.generation;
  }

  /** A value read from the store, kept unless a write committed since `mark`. */
  read(key: string, value: string | undefined, mark: number): void {
    if (mark === this.generation && value !== undefined) this.set(key, value);
  }

  /** What a committed write set; reads that began before it are not kept. */
  written(values: Iterable<[string, string]>): void {
    this.generation++;
    for (const [key, value] of values) {
      this.keys.add(key);
      this.set(key, value);
    }
  }

  private set(key: string, value: string): void {
    this.values.delete(key);
    this.values.set(key, value);
    if (this.values.size > this.limit) this.values.delete(this.values.keys().next().value!);
  }
}

export const MISS: unique symbol = Symbol("not cached");
