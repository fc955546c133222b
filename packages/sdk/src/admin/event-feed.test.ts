import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMDM, type MDMInstance } from '../create-mdm.js';
import { postgresAdapter } from '../db/drizzle/node-postgres.js';
import type { AnyMDMEvent } from '../domain/event.js';
import { insertEvents } from '../events/event-store.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { EventFeed, type EventFilter, type SubscribeOptions } from './event-feed.js';

function emit(mdm: MDMInstance, n: number, tenantId = 'acme') {
  return mdm.emit('device.event', { deviceId: 'dev_feed', type: 'test', payload: n }, { tenantId });
}

const numberOf = (event: AnyMDMEvent) => (event.payload as { payload: number }).payload;

/** Collects what a subscription yields until it is aborted. */
function collect(feed: EventFeed, filter: EventFilter, options: Omit<SubscribeOptions, 'signal'> = {}) {
  const controller = new AbortController();
  const seen: AnyMDMEvent[] = [];
  const done = (async () => {
    for await (const event of feed.subscribe(filter, { ...options, signal: controller.signal }))
      seen.push(event);
  })();
  return {
    seen,
    numbers: () => seen.map(numberOf),
    async stop() {
      controller.abort();
      await done;
    },
    done,
  };
}

async function until(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('event feed on postgres', () => {
  let t: TestMDM;
  let replica: MDMInstance;

  beforeAll(async () => {
    t = await createTestMDM('postgres');
    replica = createMDM({ database: postgresAdapter(t.database.url!) });
  });
  afterAll(async () => {
    await replica?.close();
    await t?.cleanup();
  });

  it('replays after a resume point, then goes live, each event once', async () => {
    const feed = new EventFeed(t.mdm.context, { pollIntervalMs: 60_000 });
    const first = await emit(t.mdm, 1);
    await emit(t.mdm, 2);
    await emit(t.mdm, 3, 'globex');
    const sub = collect(feed, { tenantId: 'acme' }, { afterId: first.id });
    await until(() => sub.seen.length === 1);
    await emit(t.mdm, 4);
    await until(() => sub.seen.length === 2);
    await sub.stop();
    expect(sub.numbers()).toEqual([2, 4]);
    expect(feed.size).toBe(0);
  });

  it('delivers events written by another instance through LISTEN/NOTIFY', async () => {
    const feed = new EventFeed(t.mdm.context, { pollIntervalMs: 60_000 });
    const sub = collect(feed, { tenantId: 'acme' });
    await until(() => feed.size === 1);
    await new Promise((r) => setTimeout(r, 100));
    // polling is set to a minute: an arrival within the wait can only come through NOTIFY
    await emit(replica, 5);
    await until(() => sub.seen.length === 1, 10_000);
    await sub.stop();
    expect(sub.numbers()).toEqual([5]);
  });

  it('never skips an id that a slower transaction commits later', async () => {
    const feed = new EventFeed(t.mdm.context, { pollIntervalMs: 60_000, gapTimeoutMs: 10_000 });
    const sub = collect(feed, { tenantId: 'acme' });
    await until(() => feed.size === 1);
    await new Promise((r) => setTimeout(r, 100));
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let allocated!: () => void;
    const idTaken = new Promise<void>((r) => {
      allocated = r;
    });
    // The slow transaction takes its id first and commits last.
    const slow = t.mdm.database.transaction(async (tx) => {
      await insertEvents(tx, [
        {
          type: 'device.event',
          payload: { deviceId: 'dev_feed', type: 'test', payload: 6 },
          tenantId: 'acme',
        },
      ]);
      allocated();
      await gate;
    });
    await idTaken;
    await emit(t.mdm, 7);
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.seen).toEqual([]);
    release();
    await slow;
    feed.poke();
    await until(() => sub.seen.length === 2);
    await sub.stop();
    expect(sub.numbers()).toEqual([6, 7]);
  });

  it('moves past an id that was rolled back once the gap has aged', async () => {
    const feed = new EventFeed(t.mdm.context, { pollIntervalMs: 60_000, gapTimeoutMs: 200 });
    const sub = collect(feed, { tenantId: 'acme' });
    await until(() => feed.size === 1);
    await t.mdm.database
      .transaction(async (tx) => {
        await insertEvents(tx, [
          { type: 'device.event', payload: { deviceId: 'x', type: 'test', payload: 0 }, tenantId: 'acme' },
        ]);
        throw new Error('rolled back');
      })
      .catch(() => {});
    await emit(t.mdm, 8);
    await until(() => sub.seen.length === 1);
    await sub.stop();
    expect(sub.numbers()).toEqual([8]);
  });

  it('ends a subscriber that falls too far behind, to resume from its last id', async () => {
    const feed = new EventFeed(t.mdm.context, { pollIntervalMs: 60_000, maxQueue: 2 });
    const iterator = feed.subscribe({ tenantId: 'acme' })[Symbol.asyncIterator]();
    const firstItem = iterator.next();
    await until(() => feed.size === 1);
    await new Promise((r) => setTimeout(r, 100));
    for (const n of [9, 10, 11, 12]) await emit(t.mdm, n);
    expect(numberOf((await firstItem).value as AnyMDMEvent)).toBe(9);
    await until(() => false, 300).catch(() => {});
    await expect(iterator.next()).rejects.toMatchObject({ code: 'STREAM_OVERFLOW' });
    expect(feed.size).toBe(0);
  });
});

describe('event feed on pglite', () => {
  let t: TestMDM;
  beforeAll(async () => {
    t = await createTestMDM('pglite');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('streams live events with LISTEN/NOTIFY of the embedded database', async () => {
    const feed = new EventFeed(t.mdm.context, { pollIntervalMs: 60_000 });
    const sub = collect(feed, { types: ['device.event'] });
    await until(() => feed.size === 1);
    await new Promise((r) => setTimeout(r, 100));
    await emit(t.mdm, 1);
    await t.mdm.devices.create({});
    await emit(t.mdm, 2);
    await until(() => sub.seen.length === 2);
    await sub.stop();
    expect(sub.numbers()).toEqual([1, 2]);
  });
});
