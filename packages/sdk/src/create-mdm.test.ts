import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMDM } from './create-mdm.js';

describe('createMDM', () => {
  it('works with nothing installed: embedded PGlite in memory', async () => {
    const mdm = createMDM({
      enrollment: { deviceSecret: 'change-me-in-production' },
      auth: { deviceTokenSecret: 'a-device-token-secret-of-32-chars!!' },
    });
    try {
      await mdm.ready();
      await mdm.ready(); // idempotent
      await mdm.migrate(); // idempotent too
      expect(mdm.database.driver).toBe('pglite');
      const policy = await mdm.policies.create({ name: 'Default', isDefault: true });
      const device = await mdm.devices.create({ model: 'Pixel 7' });
      expect((await mdm.devices.getEffectivePolicy(device.id)).policy?.id).toBe(policy.id);
    } finally {
      await mdm.close();
    }
  });

  it('keeps state in a data directory across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openmdm-'));
    try {
      const first = createMDM({ embedded: { dataDir: dir } });
      await first.ready();
      const device = await first.devices.create({ model: 'Persisted' });
      await first.close();
      const second = createMDM({ embedded: { dataDir: dir } });
      await second.ready();
      expect((await second.devices.get(device.id)).model).toBe('Persisted');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad configuration with the path of the offending key', () => {
    expect(() => createMDM({ auth: { deviceTokenSecret: 'short' } })).toThrowError(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        issues: [expect.objectContaining({ path: ['auth', 'deviceTokenSecret'] })],
      }),
    );
    expect(() =>
      createMDM({ enrollment: { deviceSecret: 'x'.repeat(20), timestampWindowSeconds: -1 } }),
    ).toThrowError(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: ['enrollment', 'timestampWindowSeconds'] })],
      }),
    );
  });
});
