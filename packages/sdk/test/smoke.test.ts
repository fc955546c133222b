import { describe, expect, it } from 'vitest';
import { createTestMDM } from '../src/testing/index.js';

describe.each(['pglite', 'postgres'] as const)('smoke on %s', (driver) => {
  it('creates a device, a policy and a command', async () => {
    const t = await createTestMDM(driver);
    try {
      const policy = await t.mdm.policies
        .create({ name: 'Base', settings: { cameraDisabled: true } as never })
        .catch((e) => e);
      expect(policy.code).toBe('VALIDATION_ERROR');
      const p = await t.mdm.policies.create({ name: 'Base', settings: { disallowCamera: true } });
      const d = await t.mdm.devices.create({ model: 'Pixel 7', policyId: p.id });
      const c = await t.mdm.devices.lock(d.id, 'hi');
      expect(c.status).toBe('pending');
      const list = await t.mdm.devices.list({ search: 'pixel' });
      expect(list.items.map((x) => x.id)).toEqual([d.id]);
      const eff = await t.mdm.policies.resolveForDevice(d.id);
      expect(eff.source).toBe('device');
    } finally {
      await t.cleanup();
    }
  });
});
