import { describe, expect, it } from 'vitest';
import { DEVICE_MODELS, SDK_BY_RELEASE } from './device-catalog.js';
import { createDeviceProfile, dalvikUserAgent, reportedVersion } from './device-profile.js';

describe('createDeviceProfile', () => {
  it('is reproducible from seed and index', () => {
    expect(createDeviceProfile({ seed: 42, index: 3 })).toEqual(createDeviceProfile({ seed: 42, index: 3 }));
    expect(createDeviceProfile({ seed: 42, index: 3 }).identity.androidId).not.toBe(
      createDeviceProfile({ seed: 42, index: 4 }).identity.androidId,
    );
  });

  it('generates identities whose fields agree with each other', () => {
    const androidIds = new Set<string>();
    for (let index = 0; index < 500; index++) {
      const profile = createDeviceProfile({ seed: 9, index });
      const { identity } = profile;
      const model = DEVICE_MODELS.find((candidate) => candidate.model === identity.model)!;
      expect(model.manufacturer).toBe(identity.manufacturer);
      expect(model.releases).toContain(identity.osVersion);
      expect(SDK_BY_RELEASE[identity.osVersion]).toBe(identity.sdkVersion);
      expect(identity.androidId).toMatch(/^[0-9a-f]{16}$/);
      androidIds.add(identity.androidId);
      if (identity.sdkVersion >= 29) {
        expect(identity.serialNumber).toBeNull();
        expect(identity.imei).toBeNull();
      } else {
        expect(identity.serialNumber).toBe('unknown');
        if (identity.imei !== null) expect(identity.imei).toMatch(/^\d{15}$/);
      }
      if (identity.sdkVersion >= 30) expect(identity.macAddress).toBeNull();
      else expect(identity.macAddress).toMatch(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/);
      if (!profile.hasTelephony) expect(profile.network.type).not.toBe('cellular');

      const packages = profile.installedApps.map((app) => app.packageName);
      expect(packages).toContain('com.openmdm.agent');
      expect(new Set(packages).size).toBe(packages.length);
      expect(packages.length).toBeGreaterThanOrEqual(40);
      expect(packages.length).toBeLessThanOrEqual(65);
      for (const app of profile.installedApps) {
        expect(app.version.length).toBeLessThanOrEqual(50);
        expect(Number.isInteger(app.versionCode)).toBe(true);
      }
      for (const bytes of [profile.storageTotal, profile.storageUsed, profile.memoryTotal]) {
        expect(Number.isSafeInteger(bytes)).toBe(true);
        expect(bytes % 4096).toBe(0);
      }
      expect(profile.storageUsed).toBeLessThan(profile.storageTotal);
    }
    expect(androidIds.size).toBe(500);
  });

  it('honours a model and release and rejects impossible ones', () => {
    const tablet = createDeviceProfile({ model: 'SM-T290', release: '9' });
    expect(tablet.identity).toMatchObject({
      manufacturer: 'samsung',
      sdkVersion: 28,
      serialNumber: 'unknown',
      imei: null,
    });
    expect(() => createDeviceProfile({ model: 'Pixel 8', release: '9' })).toThrow(RangeError);
    expect(() => createDeviceProfile({ model: 'iPhone' })).toThrow(RangeError);
  });

  it('builds the Dalvik user agent and truncates versions like the collector', () => {
    const profile = createDeviceProfile({ model: 'Pixel 7', release: '14' });
    expect(dalvikUserAgent(profile)).toBe(
      'Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/UQ1A.240105.004)',
    );
    expect(reportedVersion(null)).toBe('unknown');
    expect(reportedVersion('x'.repeat(60))).toHaveLength(50);
  });
});
