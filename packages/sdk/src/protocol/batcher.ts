/**
 * Group commit for concurrent requests: items submitted while a batch is being written wait and go out
 * together in the next one. Under light load a batch holds one item and waits for nothing (it starts on the
 * next turn of the event loop); under heavy load it holds whatever arrived during the previous write.
 * At most `maxConcurrent` batches run at once, and no two running batches share a key, so concurrent
 * batches never lock the same rows (no deadlocks between them).
 */
export class KeyedBatcher<T extends { key: string }, R> {
  private queue: Pending<T, R>[] = [];
  private readonly running = new Set<string>();
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly write: (items: T[]) => Promise<Map<T, R | Error>>,
    private readonly maxBatch: number,
    private readonly maxConcurrent: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject, solo: false });
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or being written. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxConcurrent || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= this.maxConcurrent) return;
    const batch: Pending<T, R>[] = [];
    const keys = new Set<string>();
    const rest: Pending<T, R>[] = [];
    for (const entry of this.queue) {
      const free = !this.running.has(entry.item.key) && !keys.has(entry.item.key);
      const fits = batch.length === 0 || (batch.length < this.maxBatch && !entry.solo && !batch[0]!.solo);
      if (free && fits) {
        batch.push(entry);
        keys.add(entry.item.key);
      } else rest.push(entry);
    }
    this.queue = rest;
    if (batch.length === 0) return;
    this.inFlight++;
    for (const key of keys) this.running.add(key);
    void this.run(batch).finally(() => {
      this.inFlight--;
      for (const key of keys) this.running.delete(key);
      this.schedule();
      if (this.queue.length === 0 && this.inFlight === 0)
        for (const resolve of this.idle.splice(0)) resolve();
    });
    this.schedule();
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    let results: Map<T, R | Error>;
    try {
      results = await this.write(batch.map((b) => b.item));
    } catch (error) {
      if (batch.length > 1) {
        // One bad item must not fail its neighbours: retry each on its own.
        for (const entry of batch) entry.solo = true;
        this.queue.unshift(...batch);
        return;
      }
      batch[0]!.reject(error);
      return;
    }
    for (const entry of batch) {
      const result = results.get(entry.item);
      if (result instanceof Error) entry.reject(result);
      else if (result === undefined) entry.reject(new Error('batch write returned no result for an item'));
      else entry.resolve(result);
    }
  }
}

interface Pending<T, R> {
  item: T;
  resolve(value: R): void;
  reject(error: unknown): void;
  solo: boolean;
}
