import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMDM, type MDMInstance } from '../create-mdm.js';
import { webhookDeliveries } from '../db/schema/index.js';
import { ValidationError } from '../errors.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import type { WebhookDeliveryStatus } from '../webhooks/types.js';
import { parseJobsConfig } from './options.js';
import { pruneWebhookDeliveries, WebhookDeliveryPruner } from './webhook-retention.js';

/** `finishedDaysAgo` defaults to `writtenDaysAgo`: the delivery finished the day it was written. */
type Seed = readonly [status: WebhookDeliveryStatus, writtenDaysAgo: number, finishedDaysAgo?: number];

// Event ids only grow, across tests too: a pruner's sweep position left by one test never lies past the
// rows of the next.
let lastEventId = 0n;

/**
 * Writes one delivery per seed, in creation order (ascending event ids), and backdates it: `created_at` by
 * the days it was written, `updated_at` (when it finished) by the days it finished. Resolves to the ids.
 */
async function seed(mdm: MDMInstance, seeds: readonly Seed[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [status, writtenDaysAgo, finishedDaysAgo = writtenDaysAgo] of seeds) {
    const id = `whd_${randomUUID()}`;
    lastEventId += 1n;
    await mdm.database.db.insert(webhookDeliveries).values({
      id,
      endpointId: 'ep1',
      eventId: lastEventId,
      eventType: 'device.updated',
      deviceId: 'dev1',
      payload: {},
      status,
      // An hour past the whole days, so "older than N days" never depends on the clock between statements.
      createdAt: sql`now() - make_interval(days => ${writtenDaysAgo}::int, hours => 1)`,
      updatedAt: sql`now() - make_interval(days => ${finishedDaysAgo}::int, hours => 1)`,
    });
    ids.push(id);
  }
  return ids;
}

async function remaining(mdm: MDMInstance): Promise<string[]> {
  const rows = await mdm.database.db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .orderBy(webhookDeliveries.eventId);
  return rows.map((r) => r.id);
}

const pick = (ids: readonly string[], ...at: number[]): string[] => at.map((i) => ids[i]!);

describe.each(['postgres', 'pglite'] as const)('webhook delivery retention (%s)', (driver) => {
  let t: TestMDM;
  let custom: TestMDM;
  let mdm: MDMInstance;

  beforeAll(async () => {
    t = await createTestMDM(driver, { jobs: { enabled: false } });
    custom = await createTestMDM(driver, {
      jobs: {
        enabled: false,
        webhookRetention: { deliveredDays: 2, deadDays: 10 },
        intervalsMs: { 'webhooks.prune': 5000 },
      },
    });
    mdm = t.mdm;
  });
  afterAll(async () => {
    await t?.cleanup();
    await custom?.cleanup();
  });
  beforeEach(async () => {
    for (const m of [t.mdm, custom.mdm]) await m.database.db.delete(webhookDeliveries);
  });

  it('is a built-in job that runs every minute unless configured otherwise', () => {
    expect(mdm.jobs.names()).toContain('webhooks.prune');
    expect(mdm.jobs.status().find((s) => s.name === 'webhooks.prune')?.intervalMs).toBe(60_000);
    expect(custom.mdm.jobs.status().find((s) => s.name === 'webhooks.prune')?.intervalMs).toBe(5000);
  });

  it('deletes delivered after 7 days and dead or cancelled after 30 by default, never pending', async () => {
    const ids = await seed(mdm, [
      ['pending', 3000], // 0: kept, however old
      ['delivered', 8], // 1: deleted
      ['dead', 31], // 2: deleted
      ['cancelled', 31], // 3: deleted
      ['dead', 29], // 4: kept (30 days)
      ['cancelled', 10], // 5: kept (30 days)
      ['delivered', 10], // 6: deleted, behind kept rows
      ['pending', 40], // 7: kept
      ['delivered', 6], // 8: kept
      ['delivered', 0], // 9: kept
      ['pending', 0], // 10: kept
    ]);
    expect(await mdm.jobs.runOnce('webhooks.prune')).toBe(4);
    expect(await remaining(mdm)).toEqual(pick(ids, 0, 4, 5, 7, 8, 9, 10));
    expect(await mdm.jobs.runOnce('webhooks.prune')).toBe(0);
    expect(await remaining(mdm)).toEqual(pick(ids, 0, 4, 5, 7, 8, 9, 10));
    expect(mdm.jobs.status().find((s) => s.name === 'webhooks.prune')?.handled).toBeGreaterThanOrEqual(4);
  });

  it('counts a delivery from when it finished, not when it was written', async () => {
    const ids = await seed(mdm, [
      ['delivered', 40, 8], // 0: deleted
      ['delivered', 40, 1], // 1: kept: delivered (or replayed and delivered again) yesterday
      ['dead', 60, 20], // 2: kept: dead-lettered 20 days ago
      ['dead', 60, 31], // 3: deleted
    ]);
    expect(await mdm.jobs.runOnce('webhooks.prune')).toBe(2);
    expect(await remaining(mdm)).toEqual(pick(ids, 1, 2));
  });

  it('applies jobs.webhookRetention', async () => {
    const m = custom.mdm;
    const ids = await seed(m, [
      ['delivered', 3], // 0: deleted (2 days)
      ['dead', 11], // 1: deleted (10 days)
      ['cancelled', 9], // 2: kept
      ['delivered', 1], // 3: kept
      ['pending', 500], // 4: kept
      ['dead', 3], // 5: kept
    ]);
    expect(await m.jobs.runOnce('webhooks.prune')).toBe(2);
    expect(await remaining(m)).toEqual(pick(ids, 2, 3, 4, 5));
    expect(await m.jobs.runOnce('webhooks.prune')).toBe(0);
  });

  it('keeps delivered deliveries forever with deliveredDays null, and dead ones with deadDays null', async () => {
    const ids = await seed(mdm, [
      ['delivered', 3000],
      ['dead', 3000],
      ['cancelled', 100],
      ['delivered', 100],
      ['dead', 5],
    ]);
    expect(await pruneWebhookDeliveries(mdm.context, { deliveredDays: null, deadDays: 30 })).toBe(2);
    expect(await remaining(mdm)).toEqual(pick(ids, 0, 3, 4));
    expect(await pruneWebhookDeliveries(mdm.context, { deliveredDays: 7, deadDays: null })).toBe(2);
    expect(await remaining(mdm)).toEqual(pick(ids, 4));
  });

  it('keeps everything when both are null', async () => {
    const ids = await seed(mdm, [
      ['delivered', 3650],
      ['dead', 3650],
      ['cancelled', 3650],
      ['pending', 3650],
    ]);
    expect(await pruneWebhookDeliveries(mdm.context, { deliveredDays: null, deadDays: null })).toBe(0);
    expect(await remaining(mdm)).toEqual(ids);
  });

  it('deletes at most `limit` per run, oldest first, and reports each batch', async () => {
    const ids = await seed(mdm, [
      ['delivered', 20],
      ['pending', 20],
      ['dead', 40],
      ['delivered', 20],
      ['cancelled', 40],
      ['delivered', 0],
    ]);
    expect(await pruneWebhookDeliveries(mdm.context, {}, 2)).toBe(2);
    expect(await remaining(mdm)).toEqual(pick(ids, 1, 3, 4, 5));
    expect(await pruneWebhookDeliveries(mdm.context, {}, 2)).toBe(2);
    expect(await remaining(mdm)).toEqual(pick(ids, 1, 5));
    expect(await pruneWebhookDeliveries(mdm.context, {}, 2)).toBe(0);
    expect(await remaining(mdm)).toEqual(pick(ids, 1, 5));
  });

  it('sweeps past a pile of kept deliveries larger than a run reads, and comes back to them', async () => {
    // limit 1: a run reads at most 10 deliveries.
    const pruner = new WebhookDeliveryPruner(mdm.context, {}, 1);
    const ids = await seed(mdm, [
      ...Array.from({ length: 12 }, () => ['pending', 20] as const),
      ['delivered', 20],
      ['dead', 31],
      ['delivered', 0],
    ]);
    const pile = ids.slice(0, 12);
    // From the start, a run ends in the pile; the sweep resumes after it.
    expect(await pruneWebhookDeliveries(mdm.context, {}, 1)).toBe(0);
    expect(await pruner.run()).toBe(0);
    expect(await pruner.run()).toBe(1);
    expect(await remaining(mdm)).toEqual([...pile, ...pick(ids, 13, 14)]);
    expect(await pruner.run()).toBe(1);
    expect(await remaining(mdm)).toEqual([...pile, ids[14]]);
    // Reached deliveries too young to be due: the sweep starts again from the oldest.
    expect(await pruner.run()).toBe(0);
    await mdm.database.db
      .update(webhookDeliveries)
      .set({ status: 'delivered' })
      .where(inArray(webhookDeliveries.id, pile.slice(0, 3)));
    expect(await pruner.run()).toBe(1);
    expect(await pruner.run()).toBe(1);
    expect(await pruner.run()).toBe(1);
    expect(await pruner.run()).toBe(0);
    expect(await remaining(mdm)).toEqual([...pile.slice(3), ids[14]]);
  });

  it.runIf(driver === 'postgres')('skips deliveries another transaction holds, without waiting', async () => {
    const ids = await seed(mdm, [
      ['delivered', 8],
      ['delivered', 8],
      ['delivered', 8],
    ]);
    await mdm.database.transaction(async (tx) => {
      await tx.execute(sql`select id from mdm_webhook_deliveries where id = ${ids[1]} for update`);
      expect(await pruneWebhookDeliveries(mdm.context)).toBe(2);
    });
    expect(await remaining(mdm)).toEqual(pick(ids, 1));
    expect(await pruneWebhookDeliveries(mdm.context)).toBe(1);
    expect(await remaining(mdm)).toEqual([]);
  });

  it('rejects bad arguments with a ValidationError naming the field', async () => {
    await expect(pruneWebhookDeliveries(mdm.context, {}, 0)).rejects.toThrow(ValidationError);
    await expect(pruneWebhookDeliveries(mdm.context, { deadDays: 0 })).rejects.toThrow(
      /^pruneWebhookDeliveries: must be at least 1 day .* at retention\.deadDays$/,
    );
  });

  it('rejects invalid retention in createMDM', () => {
    expect(() =>
      createMDM({ database: t.database.adapter, jobs: { webhookRetention: { deliveredDays: 0 } } }),
    ).toThrow(
      /createMDM config\.jobs: must be at least 1 day \(null keeps the deliveries forever\) at webhookRetention\.deliveredDays/,
    );
  });
});

describe('jobs.webhookRetention config', () => {
  const failure = (config: unknown): ValidationError => {
    try {
      parseJobsConfig(config as never);
    } catch (error) {
      if (error instanceof ValidationError) return error;
      throw error;
    }
    throw new Error('expected a ValidationError');
  };

  it('defaults to 7 days for delivered deliveries and 30 for dead and cancelled ones', () => {
    expect(parseJobsConfig(undefined).webhookRetention).toEqual({ deliveredDays: 7, deadDays: 30 });
    expect(parseJobsConfig({ webhookRetention: {} }).webhookRetention).toEqual({
      deliveredDays: 7,
      deadDays: 30,
    });
    expect(parseJobsConfig({ webhookRetention: { deadDays: null } }).webhookRetention).toEqual({
      deliveredDays: 7,
      deadDays: null,
    });
    expect(parseJobsConfig({ webhookRetention: { deliveredDays: 1 } }).webhookRetention).toEqual({
      deliveredDays: 1,
      deadDays: 30,
    });
    expect(parseJobsConfig(undefined).intervalsMs['webhooks.prune']).toBe(60_000);
    expect(parseJobsConfig({ intervalsMs: { 'webhooks.prune': 5000 } }).intervalsMs['webhooks.prune']).toBe(
      5000,
    );
  });

  it.each([
    [{ deliveredDays: 0 }, 'deliveredDays', /at least 1 day \(null keeps the deliveries forever\)/],
    [{ deliveredDays: -1 }, 'deliveredDays', /at least 1 day/],
    [{ deliveredDays: 3651 }, 'deliveredDays', /at most 3650 days/],
    [{ deliveredDays: 2.5 }, 'deliveredDays', /whole number of days/],
    [{ deadDays: 0 }, 'deadDays', /at least 1 day/],
    [{ deadDays: 4000 }, 'deadDays', /at most 3650 days/],
    [{ deadDays: '30' }, 'deadDays', /expected number/],
  ])('rejects %j naming the field', (retention, field, message) => {
    const error = failure({ webhookRetention: retention });
    expect(error.issues[0]?.path).toEqual(['webhookRetention', field]);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(new RegExp(`^createMDM config\\.jobs: .* at webhookRetention\\.${field}$`));
  });

  it('rejects unknown fields', () => {
    const error = failure({ webhookRetention: { pendingDays: 7 } });
    expect(error.issues[0]?.path).toEqual(['webhookRetention']);
    expect(error.message).toMatch(/pendingDays/);
  });
});
