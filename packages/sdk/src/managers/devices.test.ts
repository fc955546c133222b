import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MDMInstance } from '../create-mdm.js';
import { devices } from '../db/schema/index.js';
import type { Device, DeviceListQuery } from '../domain/device.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';

async function listAll(mdm: MDMInstance, query: DeviceListQuery): Promise<Device[]> {
  const out: Device[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await mdm.devices.list({ ...query, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

describe.each(['postgres', 'pglite'] as const)('devices on %s', (driver) => {
  let t: TestMDM;
  let mdm: MDMInstance;
  const fleet: Device[] = [];

  beforeAll(async () => {
    t = await createTestMDM(driver);
    mdm = t.mdm;
    const models = ['Pixel 7', 'Pixel 8', 'SM-T290', 'TC52'];
    for (let i = 0; i < 23; i++) {
      fleet.push(
        await mdm.devices.create({
          model: models[i % 4]!,
          manufacturer: i % 4 === 2 ? 'samsung' : i % 4 === 3 ? 'Zebra' : 'Google',
          osVersion: i % 2 ? '14' : '13',
          androidId: `a1b2c3d4e5f6${String(i).padStart(4, '0')}`,
          name: i % 5 === 0 ? null : `Till ${String(i).padStart(2, '0')}`,
          tags: i % 3 === 0 ? ['store', 'paris'] : ['warehouse'],
        }),
      );
    }
    // the first 5 were seen a minute ago, the rest an hour ago or never
    await mdm.database.db
      .update(devices)
      .set({ lastSeenAt: sql`now() - interval '1 minute'` })
      .where(
        sql`${devices.id} in (${sql.join(
          fleet.slice(0, 5).map((d) => sql`${d.id}`),
          sql`, `,
        )})`,
      );
    await mdm.database.db
      .update(devices)
      .set({ lastSeenAt: sql`now() - interval '1 hour'` })
      .where(
        sql`${devices.id} in (${sql.join(
          fleet.slice(5, 10).map((d) => sql`${d.id}`),
          sql`, `,
        )})`,
      );
  });
  afterAll(() => t.cleanup());

  it('pages through every device exactly once with keyset cursors, for every sort', async () => {
    for (const field of ['createdAt', 'lastSeenAt', 'name', 'model', 'osVersion', 'status'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const all = await listAll(mdm, { limit: 4, sort: { field, direction } });
        expect(all).toHaveLength(fleet.length);
        expect(new Set(all.map((d) => d.id)).size).toBe(fleet.length);
      }
    }
    const byName = await listAll(mdm, { limit: 5, sort: { field: 'name', direction: 'asc' } });
    const names = byName.map((d) => d.name ?? '');
    expect(names).toEqual([...names].sort());
  });

  it('filters by status, model, OS version, tags, online and search text', async () => {
    expect((await listAll(mdm, { model: ['TC52'] })).every((d) => d.model === 'TC52')).toBe(true);
    expect(await listAll(mdm, { osVersion: ['14'], model: ['Pixel 8'] })).toHaveLength(6);
    expect(await listAll(mdm, { tags: ['store', 'paris'] })).toHaveLength(8);
    expect((await listAll(mdm, { online: true })).map((d) => d.id).sort()).toEqual(
      fleet
        .slice(0, 5)
        .map((d) => d.id)
        .sort(),
    );
    expect(await listAll(mdm, { online: false })).toHaveLength(18);
    expect(await listAll(mdm, { online: true, onlineWindowSeconds: 7200 })).toHaveLength(10);
    expect(await listAll(mdm, { search: 'zebra' })).toHaveLength(5);
    expect(await listAll(mdm, { search: 'Pixel 7' })).toHaveLength(6);
    expect((await listAll(mdm, { search: 'a1b2c3d4e5f60007' })).map((d) => d.id)).toEqual([fleet[7]!.id]);
    expect((await listAll(mdm, { search: fleet[3]!.id })).map((d) => d.id)).toEqual([fleet[3]!.id]);
    expect(await listAll(mdm, { search: '%%%' })).toHaveLength(0);
    expect(await listAll(mdm, { status: ['blocked'] })).toHaveLength(0);
  });

  it('filters by policy and group', async () => {
    const policy = await mdm.policies.create({ name: 'P' });
    const group = await mdm.groups.create({ name: 'G' });
    await mdm.devices.assignPolicy(fleet[0]!.id, policy.id);
    await mdm.devices.addToGroup(fleet[1]!.id, group.id);
    await mdm.devices.addToGroup(fleet[2]!.id, group.id);
    expect((await listAll(mdm, { policyId: policy.id })).map((d) => d.id)).toEqual([fleet[0]!.id]);
    expect(await listAll(mdm, { policyId: null })).toHaveLength(fleet.length - 1);
    const members = await listAll(mdm, { groupId: group.id, sort: { field: 'createdAt', direction: 'asc' } });
    expect(members.map((d) => d.id)).toEqual([fleet[1]!.id, fleet[2]!.id]);
    expect(members[0]!.groupIds).toEqual([group.id]);
    await mdm.devices.removeFromGroup(fleet[1]!.id, group.id);
    expect(await mdm.groups.members(group.id)).toEqual([fleet[2]!.id]);
  });

  it('rejects unknown filter keys and oversized pages', async () => {
    await expect(mdm.devices.list({ colour: 'red' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(mdm.devices.list({ limit: 10_000 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['limit'] })],
    });
    await expect(mdm.devices.list({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('enforces the status transition table', async () => {
    const d = await mdm.devices.create({ model: 'State' });
    expect((await mdm.devices.block(d.id, 'stolen')).status).toBe('blocked');
    await expect(mdm.devices.setStatus(d.id, 'unenrolling')).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from: 'blocked', to: 'unenrolling' },
    });
    expect((await mdm.devices.unblock(d.id)).status).toBe('enrolled');
    await expect(mdm.devices.unblock(d.id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await mdm.devices.unenroll(d.id)).status).toBe('unenrolled');
    await expect(mdm.devices.block(d.id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });

    const pending = await mdm.devices.create({ model: 'Approval', status: 'pending' });
    expect((await mdm.devices.approve(pending.id)).status).toBe('enrolled');
    await expect(mdm.devices.approve(pending.id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('updates metadata and soft-deletes', async () => {
    const d = await mdm.devices.create({ model: 'Meta' });
    const updated = await mdm.devices.update(d.id, {
      name: 'Front desk',
      tags: ['lobby'],
      metadata: { floor: 2 },
    });
    expect(updated).toMatchObject({ name: 'Front desk', tags: ['lobby'], metadata: { floor: 2 } });
    await expect(mdm.devices.update(d.id, { status: 'blocked' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await mdm.devices.delete(d.id);
    expect(await mdm.devices.find(d.id)).toBeNull();
    await expect(mdm.devices.get(d.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await listAll(mdm, { search: 'Front desk' })).length).toBe(0);
    expect((await listAll(mdm, { search: 'Front desk', includeDeleted: true })).map((x) => x.id)).toEqual([
      d.id,
    ]);
    const types = (await mdm.events({ deviceId: d.id })).map((e) => e.type);
    expect(types).toEqual(['device.enrolled', 'device.updated', 'device.deleted']);
  });

  it('sends commands through the helpers', async () => {
    const d = fleet[4]!.id;
    expect((await mdm.devices.lock(d, 'Return to IT')).payload).toEqual({ message: 'Return to IT' });
    expect((await mdm.devices.wipe(d, { preserveData: true })).type).toBe('wipe');
    expect((await mdm.devices.reboot(d)).type).toBe('reboot');
    expect((await mdm.devices.sync(d)).type).toBe('sync');
    const pending = await mdm.commands.list({ deviceId: d, status: ['pending'] });
    expect(pending.items.map((c) => c.type).sort()).toEqual(['lock', 'reboot', 'sync', 'wipe']);
  });

  it('rolls back a multi-row change that fails half way', async () => {
    const d = await mdm.devices.create({ model: 'Atomic' });
    const g = await mdm.groups.create({ name: 'Real' });
    await expect(mdm.devices.setGroups(d.id, [g.id, 'grp_missing'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await mdm.devices.get(d.id)).groupIds).toEqual([]);
    expect((await mdm.events({ deviceId: d.id })).map((e) => e.type)).toEqual(['device.enrolled']);
  });
});
