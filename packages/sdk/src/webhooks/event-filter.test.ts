import { describe, expect, it } from 'vitest';
import { compileEventFilters, eventFilterSchema } from './event-filter.js';

describe('event filters', () => {
  it('matches exact names, * and wildcard patterns', () => {
    const all = compileEventFilters(['*']);
    expect(all('device.enrolled')).toBe(true);
    const some = compileEventFilters(['device.*', 'command.completed', '*.failed']);
    expect(some('device.enrolled')).toBe(true);
    expect(some('device.pushTokenRemoved')).toBe(true);
    expect(some('command.completed')).toBe(true);
    expect(some('command.failed')).toBe(true);
    expect(some('command.created')).toBe(false);
    expect(some('devices.enrolled')).toBe(false);
    expect(some('policy.updated')).toBe(false);
    expect(compileEventFilters(['kiosk.*'])('kiosk.entered')).toBe(true);
    expect(compileEventFilters([])('device.enrolled')).toBe(false);
  });

  it('treats regex characters literally', () => {
    expect(compileEventFilters(['device.enrolled'])('deviceXenrolled')).toBe(false);
  });

  it('rejects malformed filters with a clear message', () => {
    for (const bad of ['', 'device..enrolled', 'device enrolled', '.device', 'device.', 'a/b', '**?']) {
      const result = eventFilterSchema.safeParse(bad);
      expect(result.success, bad).toBe(false);
    }
    expect(eventFilterSchema.safeParse('device.enroled').success).toBe(true);
  });
});
