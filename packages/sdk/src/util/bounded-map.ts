/**
 * A Map that holds at most `limit` entries: setting one past the limit forgets the entry written longest
 * ago. Per-device caches on the hot path use it, so a fleet larger than the cache loses only its coldest
 * entries instead of the whole cache at once.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('BoundedMap limit must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Stores the entry as the newest one. */
  set(key: K, value: V): void {
    // Deleting first moves a rewritten key to the end of the Map's insertion order.
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
