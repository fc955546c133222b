import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMDM, type MDMInstance } from '../create-mdm.js';
import { postgresAdapter } from '../db/drizzle/node-postgres.js';
import { commands, enrollmentChallenges, refreshTokens } from '../db/schema/index.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';

describe('built-in jobs', () => {
  let t: TestMDM;
  let mdm: MDMInstance;

  beforeAll(async () => {
    t = await createTestMDM('postgres', { jobs: { enabled: false, ackTimeoutSeconds: 60 } });
    mdm = t.mdm;
  });
  afterAll(() => t.cleanup());

  it('are registered and stay idle when jobs are disabled', () => {
    expect(mdm.jobs.running).toBe(false);
    expect(mdm.jobs.names()).toEqual([
      'commands.expire',
      'commands.ackWatchdog',
      'webhooks.deliver',
      'enrollment.prune',
      'events.prune',
      'webhooks.prune',
    ]);
    expect(mdm.jobs.status().every((s) => s.runs === 0)).toBe(true);
  });

  it('expire commands whose time-to-live passed', async () => {
    const device = await mdm.devices.create({ name: 'exp' });
    const short = await mdm.commands.send(device.id, { type: 'sync', ttlSeconds: 1 });
    const long = await mdm.commands.send(device.id, { type: 'reboot' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await mdm.jobs.runOnce('commands.expire')).toBe(1);
    expect((await mdm.commands.get(short.id)).status).toBe('expired');
    expect((await mdm.commands.get(long.id)).status).toBe('pending');
  });

  it('fail acknowledged commands that never finished, with a clear error', async () => {
    const device = await mdm.devices.create({ name: 'ack' });
    const stuck = await mdm.commands.send(device.id, {
      type: 'installApp',
      payload: { packageName: 'com.a.b', url: 'https://x.test/a.apk' },
    });
    const recent = await mdm.commands.send(device.id, { type: 'sync' });
    await mdm.commands.acknowledge(stuck.id);
    await mdm.commands.acknowledge(recent.id);
    await mdm.database.db
      .update(commands)
      .set({ acknowledgedAt: sql`now() - interval '2 minutes'` })
      .where(eq(commands.id, stuck.id));
    expect(await mdm.jobs.runOnce('commands.ackWatchdog')).toBe(1);
    const failed = await mdm.commands.get(stuck.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      /no result within 60 s after the device acknowledged the command \(ack watchdog\)/,
    );
    expect((await mdm.commands.get(recent.id)).status).toBe('acknowledged');
    const events = await mdm.events({ commandId: stuck.id, types: ['command.failed'] });
    expect(events).toHaveLength(1);
  });

  it('prune expired challenges and refresh tokens only', async () => {
    const device = await mdm.devices.create({ name: 'tokens' });
    const db = mdm.database.db;
    await db.insert(enrollmentChallenges).values([
      { challenge: `old-${randomUUID()}`, expiresAt: sql`now() - interval '1 minute'` },
      { challenge: `new-${randomUUID()}`, expiresAt: sql`now() + interval '5 minutes'` },
    ]);
    const token = (expires: string, extra: Partial<typeof refreshTokens.$inferInsert> = {}) => ({
      id: randomUUID(),
      deviceId: device.id,
      familyId: 'fam',
      tokenHash: randomUUID(),
      expiresAt: sql.raw(`now() + interval '${expires}'`),
      ...extra,
    });
    await db
      .insert(refreshTokens)
      .values([
        token('-1 day'),
        token('30 days'),
        token('30 days', { usedAt: new Date() }),
        token('30 days', { revokedAt: new Date() }),
      ]);
    expect(await mdm.jobs.runOnce('enrollment.prune')).toBe(2);
    expect(await db.select().from(enrollmentChallenges)).toHaveLength(1);
    expect(await db.select().from(refreshTokens)).toHaveLength(3);
  });

  it('start with ready(), stop with close(), and never do the same work twice across instances', async () => {
    const started = await createTestMDM('postgres', {
      jobs: { ackTimeoutSeconds: 10, intervalsMs: { 'commands.ackWatchdog': 20, 'commands.expire': 20 } },
    });
    const second = createMDM({
      database: postgresAdapter(started.database.url!),
      jobs: { ackTimeoutSeconds: 10, intervalsMs: { 'commands.ackWatchdog': 20, 'commands.expire': 20 } },
    });
    try {
      await second.ready();
      expect(started.mdm.jobs.running).toBe(true);
      const device = await started.mdm.devices.create({ name: 'many' });
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        const command = await started.mdm.commands.send(device.id, { type: 'sync' });
        await started.mdm.commands.acknowledge(command.id);
        ids.push(command.id);
      }
      await started.mdm.database.db
        .update(commands)
        .set({ acknowledgedAt: sql`now() - interval '1 minute'` });
      const deadline = Date.now() + 5000;
      for (;;) {
        const page = await started.mdm.commands.list({ deviceId: device.id, status: ['failed'], limit: 100 });
        if (page.items.length === ids.length || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const failedEvents = await started.mdm.events({
        deviceId: device.id,
        types: ['command.failed'],
        limit: 1000,
      });
      expect(failedEvents).toHaveLength(ids.length);
      expect(new Set(failedEvents.map((e) => e.commandId)).size).toBe(ids.length);
      const runs = [started.mdm, second].map(
        (m) => m.jobs.status().find((s) => s.name === 'commands.ackWatchdog')!.runs,
      );
      expect(runs.every((n) => n > 0)).toBe(true);
    } finally {
      await second.close();
      await started.cleanup();
    }
    expect(started.mdm.jobs.running).toBe(false);
    expect(second.jobs.running).toBe(false);
  });
});
