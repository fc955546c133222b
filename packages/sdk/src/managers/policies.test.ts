import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MDMInstance } from '../create-mdm.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';

describe.each(['postgres', 'pglite'] as const)('policies on %s', (driver) => {
  let t: TestMDM;
  let mdm: MDMInstance;

  beforeAll(async () => {
    t = await createTestMDM(driver);
    mdm = t.mdm;
  });
  afterAll(() => t.cleanup());

  it('creates version 1 and bumps the version only when the settings change', async () => {
    const p = await mdm.policies.create({
      name: 'Kiosk',
      settings: { kioskMode: true, mainApp: 'com.shop.pos' },
    });
    expect(p.version).toBe(1);
    // same settings, other key order: no new version
    const same = await mdm.policies.update(p.id, { settings: { mainApp: 'com.shop.pos', kioskMode: true } });
    expect(same.version).toBe(1);
    const renamed = await mdm.policies.update(p.id, { name: 'Kiosk (POS)' });
    expect(renamed.version).toBe(1);
    expect(renamed.name).toBe('Kiosk (POS)');
    const v2 = await mdm.policies.update(p.id, { settings: { kioskMode: true, mainApp: 'com.shop.pos2' } });
    expect(v2.version).toBe(2);
    const history = await mdm.policies.history(p.id);
    expect(history.map((h) => h.version)).toEqual([2, 1]);
    expect(history[1]?.settings).toEqual({ kioskMode: true, mainApp: 'com.shop.pos' });
  });

  it('rolls back by creating a new version with the old settings', async () => {
    const p = await mdm.policies.create({ name: 'Cam', settings: { disallowCamera: true } });
    await mdm.policies.update(p.id, { settings: { disallowCamera: false } });
    const rolled = await mdm.policies.rollback(p.id, 1);
    expect(rolled.version).toBe(3);
    expect(rolled.settings).toEqual({ disallowCamera: true });
    const v3 = await mdm.policies.getVersion(p.id, 3);
    expect(v3.note).toBe('rollback to version 1');
    await expect(mdm.policies.rollback(p.id, 42)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects unknown settings keys with the exact path', async () => {
    const error = await mdm.policies
      .create({ name: 'Bad', settings: { wifiNetworks: [{ ssid: 'x', pwd: 'y' }] } as never })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect((error as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual([
      'settings',
      'wifiNetworks',
      0,
    ]);
    await expect(
      mdm.policies.create({ name: 'Bad', settings: { passwordMinLength: -1 } }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['settings', 'passwordMinLength'] })],
    });
  });

  it('refuses to delete a policy while devices or groups use it, with the counts', async () => {
    const p = await mdm.policies.create({ name: 'InUse' });
    const d = await mdm.devices.create({ model: 'X' });
    await mdm.devices.assignPolicy(d.id, p.id);
    await mdm.groups.create({ name: 'G', policyId: p.id });
    await expect(mdm.policies.delete(p.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'POLICY_IN_USE', devices: 1, groups: 1 },
    });
    const free = await mdm.policies.create({ name: 'Free' });
    await mdm.policies.delete(free.id);
    await expect(mdm.policies.get(free.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps one default policy', async () => {
    const a = await mdm.policies.create({ name: 'DefaultA', isDefault: true });
    const b = await mdm.policies.create({ name: 'DefaultB', isDefault: true });
    expect((await mdm.policies.getDefault())?.id).toBe(b.id);
    expect((await mdm.policies.get(a.id)).isDefault).toBe(false);
    await mdm.policies.setDefault(a.id);
    expect((await mdm.policies.getDefault())?.id).toBe(a.id);
  });
});

describe.each(['postgres', 'pglite'] as const)('effective policy resolution on %s', (driver) => {
  let t: TestMDM;
  let mdm: MDMInstance;

  beforeAll(async () => {
    t = await createTestMDM(driver);
    mdm = t.mdm;
  });
  afterAll(() => t.cleanup());

  it('resolves device assignment, then groups in priority order with inheritance, then the default', async () => {
    const device = await mdm.devices.create({ model: 'Resolver' });
    expect(await mdm.policies.resolveForDevice(device.id)).toEqual({
      policy: null,
      source: 'none',
      groupId: null,
    });

    const fallback = await mdm.policies.create({ name: 'Fleet default', isDefault: true });
    expect((await mdm.policies.resolveForDevice(device.id)).policy?.id).toBe(fallback.id);

    const regionPolicy = await mdm.policies.create({ name: 'Region' });
    const storePolicy = await mdm.policies.create({ name: 'Store' });
    const region = await mdm.groups.create({ name: 'EU', policyId: regionPolicy.id, priority: 10 });
    // a nested group without its own policy inherits its parent's
    const shop = await mdm.groups.create({ name: 'Paris shop', parentId: region.id, priority: 10 });
    await mdm.devices.addToGroup(device.id, shop.id);
    let effective = await mdm.policies.resolveForDevice(device.id);
    expect(effective).toMatchObject({ source: 'group', groupId: shop.id });
    expect(effective.policy?.id).toBe(regionPolicy.id);

    // a group with a lower priority number wins
    const stores = await mdm.groups.create({ name: 'Stores', policyId: storePolicy.id, priority: 1 });
    await mdm.devices.addToGroup(device.id, stores.id);
    effective = await mdm.policies.resolveForDevice(device.id);
    expect(effective.policy?.id).toBe(storePolicy.id);
    expect(effective.groupId).toBe(stores.id);

    // equal priorities: the group name decides, whatever the insertion order
    await mdm.groups.update(stores.id, { priority: 10 });
    effective = await mdm.policies.resolveForDevice(device.id);
    expect(effective.groupId).toBe(shop.id); // "Paris shop" < "Stores"

    const own = await mdm.policies.create({ name: 'Own' });
    await mdm.devices.assignPolicy(device.id, own.id);
    effective = await mdm.policies.resolveForDevice(device.id);
    expect(effective).toMatchObject({ source: 'device', groupId: null });
    expect(effective.policy?.id).toBe(own.id);

    await mdm.devices.assignPolicy(device.id, null);
    await mdm.devices.setGroups(device.id, []);
    effective = await mdm.policies.resolveForDevice(device.id);
    expect(effective).toMatchObject({ source: 'default' });
    expect(effective.policy?.id).toBe(fallback.id);
  });

  it('refuses a group cycle', async () => {
    const a = await mdm.groups.create({ name: 'A' });
    const b = await mdm.groups.create({ name: 'B', parentId: a.id });
    await expect(mdm.groups.update(a.id, { parentId: b.id })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(mdm.groups.update(a.id, { parentId: a.id })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});
