import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devices } from '../db/schema/index.js';
import { createTestMDM, type TestMDM } from '../testing/index.js';
import { devicePolicyStates } from './effective-policies.js';
import { fleetStats } from './fleet-stats.js';
import { policyRollout } from './policy-rollout.js';

describe('fleet-wide effective policies', () => {
  let t: TestMDM;
  beforeAll(async () => {
    t = await createTestMDM('pglite');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('agree with PolicyManager.resolveForDevice, and classify compliance', async () => {
    const { mdm } = t;
    const tenantId = 'acme';
    const p = async (name: string, isDefault = false) => mdm.policies.create({ name, tenantId, isDefault });
    const [def, own, parentPolicy, low, high] = [
      await p('default', true),
      await p('own'),
      await p('parent'),
      await p('low'),
      await p('high'),
    ];
    const parent = await mdm.groups.create({ name: 'parent', tenantId, policyId: parentPolicy!.id });
    const child = await mdm.groups.create({ name: 'child', tenantId, parentId: parent.id });
    const first = await mdm.groups.create({ name: 'b-first', tenantId, policyId: low!.id, priority: 1 });
    const second = await mdm.groups.create({ name: 'a-second', tenantId, policyId: high!.id, priority: 5 });
    const make = () => mdm.devices.create({ tenantId });
    const assigned = await make();
    await mdm.devices.assignPolicy(assigned.id, own!.id);
    await mdm.devices.setGroups(assigned.id, [first.id]);
    const inherited = await make();
    await mdm.devices.setGroups(inherited.id, [child.id]);
    const byPriority = await make();
    await mdm.devices.setGroups(byPriority.id, [second.id, first.id]);
    const fallback = await make();
    const other = await mdm.devices.create({ tenantId: 'globex' });

    await mdm.database.db
      .update(devices)
      .set({ appliedPolicyId: own!.id, appliedPolicyVersion: 1 })
      .where(eq(devices.id, assigned.id));
    await mdm.database.db
      .update(devices)
      .set({ appliedPolicyId: def!.id, appliedPolicyVersion: 1 })
      .where(eq(devices.id, inherited.id));

    const states = await devicePolicyStates(mdm.database.db, []);
    for (const device of [assigned, inherited, byPriority, fallback, other]) {
      const state = states.find((s) => s.deviceId === device.id)!;
      const resolved = await mdm.policies.resolveForDevice(device.id);
      expect({ policyId: state.policyId, source: state.source, groupId: state.groupId }).toEqual({
        policyId: resolved.policy?.id ?? null,
        source: resolved.source,
        groupId: resolved.groupId,
      });
    }
    const compliance = Object.fromEntries(states.map((s) => [s.deviceId, s.compliance]));
    expect(compliance).toMatchObject({
      [assigned.id]: 'compliant',
      [inherited.id]: 'outdated',
      [byPriority.id]: 'unknown',
      [fallback.id]: 'unknown',
      [other.id]: 'noPolicy',
    });

    const stats = await fleetStats(mdm.context, { tenantId });
    expect(stats).toMatchObject({ total: 4, online: 0, offline: 4, byStatus: { enrolled: 4 } });
    expect(stats.compliance).toEqual({ compliant: 1, outdated: 1, unknown: 2, noPolicy: 0 });

    await mdm.policies.update(own!.id, { settings: { disallowCamera: true } });
    const rollout = await policyRollout(mdm.context, await mdm.policies.get(own!.id), { tenantId });
    expect(rollout).toEqual({
      policyId: own!.id,
      currentVersion: 2,
      targeted: 1,
      upToDate: 0,
      versions: [{ version: 1, devices: 1 }],
    });
  });
});
