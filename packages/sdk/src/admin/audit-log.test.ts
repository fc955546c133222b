import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, events } from '../db/schema/index.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { listAuditRecords } from './audit-log.js';
import { runInAuditScope } from './audit-scope.js';
import { summarizeInput } from './audit-summary.js';

const scope = (action: string, targetType: string | null, targetId: string | null = null) => ({
  actorId: 'alice',
  tenantId: 'acme',
  action,
  targetType,
  targetId,
  input: { any: 'thing' },
  requestId: 'req-1',
});

describe.each(['pglite', 'postgres'] as const)('audit records on %s', (driver) => {
  let t: TestMDM;
  beforeAll(async () => {
    t = await createTestMDM(driver);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const rowsFor = (action: string) =>
    t.mdm.database.db.select().from(auditLog).where(eq(auditLog.action, action));

  it('writes the record in the transaction of the change, once per action', async () => {
    const device = await t.mdm.devices.create({ tenantId: 'acme' });
    await runInAuditScope(scope('devices.block', 'device', device.id), async () => {
      await t.mdm.devices.block(device.id, 'lost');
      await t.mdm.devices.update(device.id, { name: 'second transaction' });
    });
    const rows = await rowsFor('devices.block');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: 'alice',
      tenantId: 'acme',
      targetId: device.id,
      result: 'success',
    });
    expect(rows[0]!.requestId).toBe('req-1');
  });

  it('takes the target id of a create from its events', async () => {
    const policy = await runInAuditScope(scope('policies.create', 'policy'), () =>
      t.mdm.policies.create({ name: 'Audited', tenantId: 'acme' }),
    );
    expect((await rowsFor('policies.create'))[0]?.targetId).toBe(policy.id);
  });

  it('rolls the record back with the change', async () => {
    const device = await t.mdm.devices.create({ tenantId: 'acme' });
    const failing = async () => {
      throw new Error('outbox write failed');
    };
    t.mdm.context.eventsStoredHooks.push(failing);
    try {
      await expect(
        runInAuditScope(scope('devices.unenroll', 'device', device.id), () =>
          t.mdm.devices.unenroll(device.id),
        ),
      ).rejects.toThrow('outbox write failed');
    } finally {
      t.mdm.context.eventsStoredHooks.splice(t.mdm.context.eventsStoredHooks.indexOf(failing), 1);
    }
    expect(await rowsFor('devices.unenroll')).toEqual([]);
    const stored = await t.mdm.database.db.select().from(events).where(eq(events.deviceId, device.id));
    expect(stored.map((e) => e.type)).toEqual(['device.enrolled']);
    expect((await t.mdm.devices.get(device.id)).status).toBe('enrolled');
  });

  it('attributes nothing to an action after it has finished', async () => {
    const device = await t.mdm.devices.create({ tenantId: 'acme' });
    let later: Promise<unknown> = Promise.resolve();
    await runInAuditScope(scope('devices.approve', 'device', device.id), async () => {
      later = new Promise((r) => setTimeout(r, 20)).then(() =>
        t.mdm.devices.update(device.id, { name: 'later' }),
      );
    });
    await later;
    expect(await rowsFor('devices.approve')).toEqual([]);
  });

  it('lists records newest first with filters, tenant scope and paging', async () => {
    const all = await listAuditRecords(t.mdm.database.db, { action: 'devices.*' }, { tenantId: 'acme' });
    expect(all.items.map((r) => r.action)).toEqual(['devices.block']);
    expect(await listAuditRecords(t.mdm.database.db, {}, { tenantId: 'globex' })).toEqual({
      items: [],
      nextCursor: null,
    });
    const first = await listAuditRecords(t.mdm.database.db, { actorId: 'alice', limit: 1 });
    expect(first.items[0]!.action).toBe('policies.create');
    const second = await listAuditRecords(t.mdm.database.db, {
      actorId: 'alice',
      limit: 1,
      cursor: first.nextCursor!,
    });
    expect(second.items[0]!.action).toBe('devices.block');
    expect(second.nextCursor).toBeNull();
  });
});

describe('summarizeInput', () => {
  it('redacts secrets and caps sizes', () => {
    const summary = summarizeInput({
      wifi: { ssid: 'corp', password: 'hunter2' },
      deviceSecret: 'x',
      notes: 'n'.repeat(300),
      ids: Array.from({ length: 25 }, (_, i) => `d${i}`),
      at: new Date('2025-01-01T00:00:00Z'),
      skip: undefined,
    }) as Record<string, unknown>;
    expect(summary.wifi).toEqual({ ssid: 'corp', password: '[redacted]' });
    expect(summary.deviceSecret).toBe('[redacted]');
    expect((summary.notes as string).length).toBe(257);
    expect(summary.ids).toHaveLength(21);
    expect((summary.ids as string[])[20]).toBe('… 5 more');
    expect(summary.at).toBe('2025-01-01T00:00:00.000Z');
    expect(summary).not.toHaveProperty('skip');
  });
});
