import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventFeedOf } from '../admin/event-feed.js';
import { createMDM, type MDMInstance } from '../create-mdm.js';
import { events, webhookDeliveries } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { pruneOldEvents } from './event-retention.js';
import { parseJobsConfig } from './options.js';

type Seed = readonly [kind: 'heartbeat' | 'updated' | 'policy', ageDays: number];

/** Appends one event per seed, in order, and backdates each by its age; resolves to the ids. */
async function seed(mdm: MDMInstance, seeds: readonly Seed[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [kind, ageDays] of seeds) {
    const event =
      kind === 'heartbeat'
        ? await mdm.emit('device.heartbeat', { deviceId: 'dev1', batteryLevel: 50, appsChanged: false })
        : kind === 'updated'
          ? await mdm.emit('device.updated', { deviceId: 'dev1', changes: ['name'] })
          : await mdm.emit('policy.created', { policyId: 'pol1', version: 1, name: 'p' });
    // An hour past the whole days, so "older than N days" never depends on the clock between statements.
    await mdm.database.db
      .update(events)
      .set({ createdAt: sql`now() - make_interval(days => ${ageDays}::int, hours => 1)` })
      .where(eq(events.id, BigInt(event.id)));
    ids.push(event.id);
  }
  return ids;
}

async function remaining(mdm: MDMInstance): Promise<[string, string][]> {
  const rows = await mdm.database.db
    .select({ id: events.id, type: events.type })
    .from(events)
    .orderBy(events.id);
  return rows.map((r) => [r.id.toString(), r.type]);
}

describe.each(['postgres', 'pglite'] as const)('event retention (%s)', (driver) => {
  let t: TestMDM;
  let custom: TestMDM;
  let mdm: MDMInstance;

  beforeAll(async () => {
    t = await createTestMDM(driver, { jobs: { enabled: false } });
    custom = await createTestMDM(driver, {
      jobs: { enabled: false, eventRetention: { heartbeatDays: 2, otherDays: 30 } },
    });
    mdm = t.mdm;
  });
  afterAll(async () => {
    await t?.cleanup();
    await custom?.cleanup();
  });
  beforeEach(async () => {
    for (const m of [t.mdm, custom.mdm]) {
      await m.database.db.delete(webhookDeliveries);
      await m.database.db.delete(events);
    }
  });

  it('is a built-in job that runs every minute', () => {
    expect(mdm.jobs.names()).toContain('events.prune');
    expect(mdm.jobs.status().find((s) => s.name === 'events.prune')?.intervalMs).toBe(60_000);
  });

  it('deletes heartbeats older than 7 days by default and keeps young ones and every other event', async () => {
    const ids = await seed(mdm, [
      ['policy', 400],
      ['heartbeat', 10],
      ['heartbeat', 8],
      ['updated', 8],
      ['heartbeat', 6],
      ['heartbeat', 0],
      ['updated', 0],
    ]);
    expect(await mdm.jobs.runOnce('events.prune')).toBe(2);
    expect(await remaining(mdm)).toEqual([
      [ids[0], 'policy.created'],
      [ids[3], 'device.updated'],
      [ids[4], 'device.heartbeat'],
      [ids[5], 'device.heartbeat'],
      [ids[6], 'device.updated'],
    ]);
    expect(await mdm.jobs.runOnce('events.prune')).toBe(0);
    expect(mdm.jobs.status().find((s) => s.name === 'events.prune')?.handled).toBeGreaterThanOrEqual(2);
  });

  it('deletes other events older than otherDays, and heartbeats older than heartbeatDays', async () => {
    const m = custom.mdm;
    const ids = await seed(m, [
      ['policy', 40],
      ['updated', 31],
      ['heartbeat', 29],
      ['updated', 29],
      ['heartbeat', 3],
      ['heartbeat', 1],
      ['policy', 0],
    ]);
    expect(await m.jobs.runOnce('events.prune')).toBe(4);
    expect(await remaining(m)).toEqual([
      [ids[3], 'device.updated'],
      [ids[5], 'device.heartbeat'],
      [ids[6], 'policy.created'],
    ]);
    expect(await m.jobs.runOnce('events.prune')).toBe(0);
  });

  it('keeps heartbeats of any age with heartbeatDays null while otherDays prunes the rest', async () => {
    const ids = await seed(mdm, [
      ['heartbeat', 100],
      ['updated', 100],
      ['heartbeat', 50],
      ['policy', 50],
      ['updated', 5],
      ['heartbeat', 0],
    ]);
    expect(await pruneOldEvents(mdm.context, { heartbeatDays: null, otherDays: 10 })).toBe(2);
    expect(await remaining(mdm)).toEqual([
      [ids[0], 'device.heartbeat'],
      [ids[2], 'device.heartbeat'],
      [ids[4], 'device.updated'],
      [ids[5], 'device.heartbeat'],
    ]);
  });

  it('keeps everything when both are null', async () => {
    const ids = await seed(mdm, [
      ['heartbeat', 3000],
      ['policy', 3000],
      ['heartbeat', 0],
    ]);
    expect(await pruneOldEvents(mdm.context, { heartbeatDays: null, otherDays: null })).toBe(0);
    expect((await remaining(mdm)).map(([id]) => id)).toEqual(ids);
  });

  it('deletes at most `limit` per run, heartbeats first, and reports each batch', async () => {
    const ids = await seed(mdm, [
      ['heartbeat', 20],
      ['updated', 20],
      ['heartbeat', 20],
      ['policy', 20],
      ['heartbeat', 20],
      ['heartbeat', 0],
    ]);
    const retention = { heartbeatDays: 7, otherDays: 10 };
    expect(await pruneOldEvents(mdm.context, retention, 2)).toBe(2);
    expect((await remaining(mdm)).map(([id]) => id)).toEqual([ids[1], ids[3], ids[4], ids[5]]);
    expect(await pruneOldEvents(mdm.context, retention, 2)).toBe(2);
    expect((await remaining(mdm)).map(([id]) => id)).toEqual([ids[3], ids[5]]);
    expect(await pruneOldEvents(mdm.context, retention, 2)).toBe(1);
    expect(await remaining(mdm)).toEqual([[ids[5], 'device.heartbeat']]);
    expect(await pruneOldEvents(mdm.context, retention, 2)).toBe(0);
  });

  it('never deletes the newest event, so the event feed position stays put', async () => {
    const ids = await seed(mdm, [
      ['heartbeat', 10],
      ['heartbeat', 9],
    ]);
    const feed = eventFeedOf(mdm);
    expect(await feed.position()).toBe(ids[1]);
    expect(await mdm.jobs.runOnce('events.prune')).toBe(1);
    expect(await remaining(mdm)).toEqual([[ids[1], 'device.heartbeat']]);
    expect(await feed.position()).toBe(ids[1]);
    // Readers resuming from a pruned id get what is left after it.
    expect((await mdm.events({ afterId: ids[0] })).map((e) => e.id)).toEqual([ids[1]]);
  });

  it('keeps an event while a webhook delivery of it is pending', async () => {
    const ids = await seed(mdm, [
      ['heartbeat', 10],
      ['heartbeat', 10],
      ['heartbeat', 10],
      ['heartbeat', 0],
    ]);
    const delivery = (eventId: string, status: string) => ({
      id: `whd_${randomUUID()}`,
      endpointId: 'ep1',
      eventId: BigInt(eventId),
      eventType: 'device.heartbeat',
      deviceId: 'dev1',
      payload: {},
      status,
    });
    const pending = delivery(ids[0]!, 'pending');
    await mdm.database.db
      .insert(webhookDeliveries)
      .values([pending, delivery(ids[1]!, 'delivered'), delivery(ids[2]!, 'dead')]);
    expect(await mdm.jobs.runOnce('events.prune')).toBe(2);
    expect((await remaining(mdm)).map(([id]) => id)).toEqual([ids[0], ids[3]]);
    await mdm.database.db
      .update(webhookDeliveries)
      .set({ status: 'delivered' })
      .where(eq(webhookDeliveries.id, pending.id));
    expect(await mdm.jobs.runOnce('events.prune')).toBe(1);
    expect((await remaining(mdm)).map(([id]) => id)).toEqual([ids[3]]);
  });

  it('rejects a bad limit with a ValidationError', async () => {
    await expect(pruneOldEvents(mdm.context, {}, 0)).rejects.toThrow(ValidationError);
    await expect(pruneOldEvents(mdm.context, { otherDays: 0 })).rejects.toThrow(
      /pruneOldEvents: .* at retention\.otherDays/,
    );
  });

  it('rejects invalid retention in createMDM', () => {
    expect(() =>
      createMDM({ database: t.database.adapter, jobs: { eventRetention: { heartbeatDays: 0 } } }),
    ).toThrow(/createMDM config\.jobs: must be at least 1 day .* at eventRetention\.heartbeatDays/);
  });
});

describe('jobs.eventRetention config', () => {
  const failure = (config: unknown): ValidationError => {
    try {
      parseJobsConfig(config as never);
    } catch (error) {
      if (error instanceof ValidationError) return error;
      throw error;
    }
    throw new Error('expected a ValidationError');
  };

  it('defaults to 7 days of heartbeats and every other event kept', () => {
    expect(parseJobsConfig(undefined).eventRetention).toEqual({ heartbeatDays: 7, otherDays: null });
    expect(parseJobsConfig({ eventRetention: {} }).eventRetention).toEqual({
      heartbeatDays: 7,
      otherDays: null,
    });
    expect(parseJobsConfig({ eventRetention: { otherDays: 365 } }).eventRetention).toEqual({
      heartbeatDays: 7,
      otherDays: 365,
    });
    expect(parseJobsConfig({ eventRetention: { heartbeatDays: null } }).eventRetention).toEqual({
      heartbeatDays: null,
      otherDays: null,
    });
    expect(parseJobsConfig(undefined).intervalsMs['events.prune']).toBe(60_000);
    expect(parseJobsConfig({ intervalsMs: { 'events.prune': 5000 } }).intervalsMs['events.prune']).toBe(5000);
  });

  it.each([
    [{ heartbeatDays: 0 }, 'heartbeatDays', /at least 1 day/],
    [{ heartbeatDays: -3 }, 'heartbeatDays', /at least 1 day/],
    [{ heartbeatDays: 3651 }, 'heartbeatDays', /at most 3650 days/],
    [{ heartbeatDays: 1.5 }, 'heartbeatDays', /whole number of days/],
    [{ otherDays: 0 }, 'otherDays', /at least 1 day/],
    [{ otherDays: '30' }, 'otherDays', /expected number/],
  ])('rejects %j naming the field', (retention, field, message) => {
    const error = failure({ eventRetention: retention });
    expect(error.issues[0]?.path).toEqual(['eventRetention', field]);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`^createMDM config\\.jobs: .* at eventRetention\\.${field}$`));
  });

  it('rejects unknown fields', () => {
    const error = failure({ eventRetention: { days: 7 } });
    expect(error.issues[0]?.path).toEqual(['eventRetention']);
    expect(error.message).toMatch(/days/);
  });
});
