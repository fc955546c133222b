import { describe, expect, it } from 'vitest';
import { KeyedBatcher } from './batcher.js';

interface Item {
  key: string;
  value: number;
}

/** A write whose batches the test releases one by one. */
function controlledWrite() {
  const batches: { items: Item[]; release(fail?: Error): void }[] = [];
  const write = (items: Item[]) =>
    new Promise<Map<Item, number | Error>>((resolve, reject) => {
      batches.push({
        items,
        release: (fail) => (fail ? reject(fail) : resolve(new Map(items.map((i) => [i, i.value * 10])))),
      });
    });
  return { batches, write };
}

/** Lets scheduled batches start (a few turns of the event loop). */
async function tick(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('KeyedBatcher', () => {
  it('groups what arrives during a write into the next batch, one batch at a time on one lane', async () => {
    const { batches, write } = controlledWrite();
    const batcher = new KeyedBatcher(write, { maxBatch: 10, lanes: 1 });
    const first = batcher.submit({ key: 'a', value: 1 });
    await tick();
    const rest = [batcher.submit({ key: 'b', value: 2 }), batcher.submit({ key: 'c', value: 3 })];
    await tick();
    expect(batches.map((b) => b.items.map((i) => i.key))).toEqual([['a']]);
    batches[0]!.release();
    expect(await first).toBe(10);
    await tick();
    expect(batches.map((b) => b.items.map((i) => i.key))).toEqual([['a'], ['b', 'c']]);
    batches[1]!.release();
    expect(await Promise.all(rest)).toEqual([20, 30]);
  });

  it('never runs two batches holding the same key, and caps the batch size', async () => {
    const { batches, write } = controlledWrite();
    const batcher = new KeyedBatcher(write, { maxBatch: 2, lanes: 2 });
    const results = [1, 2, 3].map((value) => batcher.submit({ key: value === 3 ? 'a' : `k${value}`, value }));
    const sameKey = batcher.submit({ key: 'a', value: 4 });
    await tick();
    await tick();
    // Lane 1: k1, k2 (full); lane 2: a. The second 'a' waits for the first to be written.
    expect(batches.map((b) => b.items.map((i) => i.value))).toEqual([[1, 2], [3]]);
    batches[1]!.release();
    await tick();
    expect(batches.map((b) => b.items.map((i) => i.value))).toEqual([[1, 2], [3], [4]]);
    for (const b of batches.slice(0)) b.release();
    expect(await Promise.all([...results, sameKey])).toEqual([10, 20, 30, 40]);
  });

  it('retries each item of a failed batch alone, so one bad item fails only itself', async () => {
    const batcher = new KeyedBatcher(
      async (items: Item[]) => {
        if (items.some((i) => i.value < 0)) throw new Error('bad item');
        return new Map(items.map((i) => [i, i.value]));
      },
      { maxBatch: 10, lanes: 1 },
    );
    const outcomes = await Promise.allSettled([
      batcher.submit({ key: 'a', value: 1 }),
      batcher.submit({ key: 'b', value: -1 }),
      batcher.submit({ key: 'c', value: 3 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('opens a spare lane beside a batch that stalls, up to maxLanes', async () => {
    const { batches, write } = controlledWrite();
    const batcher = new KeyedBatcher(write, { maxBatch: 10, lanes: 1, spareLaneAfterMs: 20, maxLanes: 2 });
    const stuck = batcher.submit({ key: 'a', value: 1 });
    await tick();
    const next = batcher.submit({ key: 'b', value: 2 });
    await tick();
    expect(batches).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(batches.map((b) => b.items.map((i) => i.key))).toEqual([['a'], ['b']]);
    batches[1]!.release();
    expect(await next).toBe(20);
    // Both lanes are busy (one stalled, one new): a third batch waits for a lane.
    const third = batcher.submit({ key: 'c', value: 3 });
    const fourth = batcher.submit({ key: 'd', value: 4 });
    await tick();
    expect(batches.map((b) => b.items.map((i) => i.key))).toEqual([['a'], ['b'], ['c', 'd']]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(batches).toHaveLength(3);
    batches[0]!.release();
    batches[2]!.release();
    expect(await Promise.all([stuck, third, fourth])).toEqual([10, 30, 40]);
    await batcher.drain();
  });
});
