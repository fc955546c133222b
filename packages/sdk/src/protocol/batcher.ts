export interface KeyedBatcherOptions {
  /** Most items in one batch. */
  maxBatch: number;
  /** Batches written at once in the normal case. */
  lanes: number;
  /**
   * A batch still running after this many milliseconds is treated as stalled (a row lock held elsewhere,
   * say) and another lane opens beside it, up to `maxLanes`, so one slow batch never holds up the rest.
   */
  spareLaneAfterMs?: number;
  maxLanes?: number;
}

/**
 * Group commit for concurrent requests: items submitted while a batch is being written wait and go out
 * together in the next one. Under light load a batch holds one item and waits for nothing (it starts on the
 * next turn of the event loop); under heavy load it holds whatever arrived during the previous write, so
 * few lanes mean large batches and the least work per item. No two running batches share a key, so
 * concurrent batches never lock the same rows (no deadlocks between them).
 */
export class KeyedBatcher<T extends { key: string }, R> {
  private queue: Pending<T, R>[] = [];
  private readonly running = new Set<string>();
  private inFlight = 0;
  /** Running batches past `spareLaneAfterMs`: each opens one spare lane. */
  private stalled = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly lanes: number;
  private readonly spareLaneAfterMs: number | null;
  private readonly maxLanes: number;

  constructor(
    private readonly write: (items: T[]) => Promise<Map<T, R | Error>>,
    options: KeyedBatcherOptions,
  ) {
    this.maxBatch = options.maxBatch;
    this.lanes = options.lanes;
    this.spareLaneAfterMs = options.spareLaneAfterMs ?? null;
    this.maxLanes = Math.max(options.lanes, options.maxLanes ?? options.lanes);
  }

  private get laneLimit(): number {
    return Math.min(this.maxLanes, this.lanes + this.stalled);
  }

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
    if (this.scheduled || this.inFlight >= this.laneLimit || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= this.laneLimit) return;
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
    let stalled = false;
    const watch =
      this.spareLaneAfterMs === null
        ? null
        : setTimeout(() => {
            stalled = true;
            this.stalled++;
            this.schedule();
          }, this.spareLaneAfterMs);
    watch?.unref();
    void this.run(batch).finally(() => {
      if (watch) clearTimeout(watch);
      if (stalled) this.stalled--;
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
