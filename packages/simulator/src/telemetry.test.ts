import { expect, it } from 'vitest';
import { createDeviceProfile } from './device-profile.js';
import { Prng } from './prng.js';
import { DeviceTelemetry } from './telemetry.js';

it('drifts within physical bounds and is reproducible', () => {
  const run = () => {
    const profile = createDeviceProfile({ seed: 3, index: 1, locationShare: 1 });
    const telemetry = new DeviceTelemetry(profile, new Prng(5), 0);
    return Array.from({ length: 200 }, (_, i) => telemetry.sample(i * 10 * 60_000));
  };
  const samples = run();
  expect(run()).toEqual(samples);
  for (const sample of samples) {
    expect(Number.isInteger(sample.batteryLevel)).toBe(true);
    expect(sample.batteryLevel).toBeGreaterThanOrEqual(1);
    expect(sample.batteryLevel).toBeLessThanOrEqual(100);
    expect(sample.memoryUsed).toBeLessThan(sample.memoryTotal);
    expect(sample.storageUsed).toBeLessThanOrEqual(sample.storageTotal);
    expect(sample.location).not.toBeNull();
  }
  expect(new Set(samples.map((sample) => sample.batteryLevel)).size).toBeGreaterThan(10);
  expect(new Set(samples.map((sample) => sample.isCharging)).size).toBe(2);
});
