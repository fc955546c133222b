import { describe, expect, it } from 'vitest';
import { diffSettings } from './policy-diff.js';

describe('diffSettings', () => {
  it('lists leaf changes with their paths', () => {
    expect(
      diffSettings(
        { kioskMode: true, wifiNetworks: [{ ssid: 'a' }, { ssid: 'b' }], restrictions: ['x'] },
        { kioskMode: false, wifiNetworks: [{ ssid: 'a2' }], heartbeatInterval: 60, restrictions: ['x'] },
      ),
    ).toEqual([
      { path: ['heartbeatInterval'], kind: 'added', after: 60 },
      { path: ['kioskMode'], kind: 'changed', before: true, after: false },
      { path: ['wifiNetworks', 0, 'ssid'], kind: 'changed', before: 'a', after: 'a2' },
      { path: ['wifiNetworks', 1], kind: 'removed', before: { ssid: 'b' } },
    ]);
    expect(diffSettings({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
