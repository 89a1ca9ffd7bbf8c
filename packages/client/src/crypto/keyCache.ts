/**
 * A small least-recently-used cache of imported keys. Parsing a raw key into
 * a KeyObject costs as much as the operation it is used for; members' keys are
 * used over and over (every message verifies its sender), so each is parsed
 * once. Bounded, because the set of keys a device meets is not.
 */
export class KeyCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get(key: string, make: () => V): V {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      // Re-insert so Map order is recency order.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const value = make();
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }
}
