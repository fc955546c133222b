import { expect, it } from 'vitest';
import { isCriticalCommandType, normalizeCommandType } from './command-type.js';

it('normalizes snake_case to camelCase and leaves other types alone', () => {
  expect(normalizeCommandType('install_app')).toBe('installApp');
  expect(normalizeCommandType('factory_reset')).toBe('factoryReset');
  expect(normalizeCommandType('INSTALL_APP')).toBe('installAPP');
  expect(normalizeCommandType('installApp')).toBe('installApp');
  expect(normalizeCommandType('set_wifi_network')).toBe('setWifiNetwork');
  expect(normalizeCommandType('_sync')).toBe('Sync');
});

it('knows the five critical types', () => {
  for (const type of ['wipe', 'lock', 'factoryReset', 'shutdown', 'reboot'])
    expect(isCriticalCommandType(type)).toBe(true);
  expect(isCriticalCommandType('sync')).toBe(false);
  expect(isCriticalCommandType('factory_reset')).toBe(false);
});
