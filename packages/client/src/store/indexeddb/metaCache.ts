/**
 * Meta values as this store last read or wrote them, unsealed (SPEC WB21).
 * Every meta value is sealed, so each read was an IndexedDB transaction and
 * an AES-GCM decryption; receiving one message read three or four (a block,
 * a request state, its files; bench/README.md, 2026-12-07 morning). One tab
 * at a time holds a profile (profile/webLock.ts), so this store is the only
 * writer and what it wrote is what is stored: a value is cached once read
 * (absent ones too) and replaced once a write of it has committed.
 *
 * A read that began before a write committed may carry the old value: it is
 * answered, not cached (the generation moved on). The cache holds at most
 * `limit` keys, dropping the oldest read; it lives in the page's memory only,
 * which holds these values anyway while they are used.
 */
export class MetaCache {
  private readonly values = new Map<string, string | undefined>();
  private generation = 0;

  constructor(private readonly limit = 4096) {}

  /** The cached value, or MISS when this key was not read or written yet. */
  get(key: string): string | undefined | typeof MISS {
    return this.values.has(key) ? this.values.get(key) : MISS;
  }

  /** Where a read begins: hand it to `read` with the value found. */
  mark(): number {
    return this.generation;
  }

  /** A value read from the store, kept unless a write committed since `mark`. */
  read(key: string, value: string | undefined, mark: number): void {
    if (mark === this.generation) this.set(key, value);
  }

  /** What a committed write set; reads that began before it are not kept. */
  written(values: Iterable<[string, string]>): void {
    this.generation++;
    for (const [key, value] of values) this.set(key, value);
  }

  private set(key: string, value: string | undefined): void {
    this.values.delete(key);
    this.values.set(key, value);
    if (this.values.size > this.limit) this.values.delete(this.values.keys().next().value!);
  }
}

export const MISS: unique symbol = Symbol("not cached");
