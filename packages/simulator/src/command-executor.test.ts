import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CommandEnvironment, executeCommand } from './command-executor.js';
import { normalizeCommandType } from './command-type.js';
import { createDeviceProfile } from './device-profile.js';
import { toGsonJson } from './gson-json.js';

function environment(overrides: Partial<CommandEnvironment> = {}): CommandEnvironment {
  return {
    profile: createDeviceProfile({ seed: 1, model: 'Pixel 7', release: '14', locationShare: 1 }),
    deviceOwner: true,
    deviceAdmin: true,
    now: () => 1736937000123,
    currentLocation: () => ({ latitude: 37.4219983, longitude: -122.084, accuracy: 12.5, altitude: 5 }),
    download: () => Promise.resolve(Buffer.from('apk')),
    sync: () => Promise.resolve(),
    beginInstall: () => {},
    beginUninstall: () => {},
    ...overrides,
  };
}

async function run(type: string, payload: Record<string, unknown> | null, env = environment()) {
  return executeCommand({ id: 'c', type, normalizedType: normalizeCommandType(type), payload }, env);
}

describe('executeCommand', () => {
  it.each([
    ['reboot', null, true, 'Device rebooting'],
    ['lock', { message: 'hi' }, true, 'Device locked'],
    ['unlock', null, false, 'Remote unlock not supported for security reasons'],
    ['factory_reset', null, true, 'Factory reset initiated'],
    ['uninstallApp', { packageName: 'com.slack' }, true, 'App uninstall initiated for com.slack'],
    ['uninstallApp', {}, false, 'Package name required'],
    ['runApp', { packageName: 'com.openmdm.agent' }, true, 'App com.openmdm.agent launched'],
    ['runApp', { packageName: 'no.such' }, false, 'Could not find launch intent for no.such'],
    ['clearAppCache', { packageName: 'a.b' }, true, 'App cache cleared for a.b'],
    ['whitelistBattery', { packageName: 'a.b' }, true, 'a.b added to battery whitelist'],
    ['enterKiosk', { mainApp: 'com.openmdm.agent' }, true, 'Kiosk mode enabled for com.openmdm.agent'],
    ['exitKiosk', null, true, 'Kiosk mode disabled'],
    ['setVolume', { level: 7.9 }, true, 'Volume set to 7'],
    ['setVolume', { level: '7' }, false, 'Volume level required'],
    ['screenshot', null, false, 'Screenshot not implemented - requires MediaProjection API'],
    ['setTimeZone', { timezone: 'Europe/Paris' }, true, 'Timezone set to Europe/Paris'],
    ['setTimeZone', { timezone: 'Mars/Olympus' }, false, 'Timezone: Mars/Olympus is not an Olson ID'],
    ['enableAdb', { enabled: false }, true, 'ADB disabled'],
    ['setWifi', {}, true, 'WiFi enabled'],
    ['set_location', { enabled: false }, true, 'GPS disabled'],
    ['setScreenshot', {}, true, 'Screenshot disabled'],
    ['setBrightness', {}, true, 'Brightness set to 128'],
    ['setScreenTimeout', { timeoutSeconds: 30 }, true, 'Screen timeout set to 30 seconds'],
    ['setRestriction', { restriction: 'no_camera', enabled: false }, true, 'Restriction no_camera disabled'],
    ['configureWifi', { ssid: 'Office' }, true, 'WiFi network Office configured'],
    ['setWifiNetwork', {}, false, 'SSID required'],
    ['deployFile', { url: 'http://x/f', path: '/sdcard/f' }, true, 'File deployed to /sdcard/f'],
    ['deployFile', { url: 'http://x/f' }, false, 'URL and path required'],
    ['deleteFile', { path: '/sdcard/f' }, true, 'File deleted: /sdcard/f'],
    ['setPolicy', {}, true, 'Policy applied'],
    ['setPolicy', null, false, 'Policy data required'],
    ['sendNotification', { title: 'x' }, true, 'Notification shown'],
    ['custom', null, false, "Custom command 'null' not implemented"],
    ['custom', { customType: 'beep' }, false, "Custom command 'beep' not implemented"],
    ['enablePermissiveMode', null, false, 'Permissive mode not supported in production'],
    ['rollbackApp', null, false, 'App rollback not implemented'],
    ['unenroll', null, false, 'Unknown command type: unenroll (original: unenroll)'],
    ['do_the_thing', null, false, 'Unknown command type: doTheThing (original: do_the_thing)'],
    [
      'updateAgent',
      { url: 'u' },
      false,
      'Invalid agent update parameters. Required: url, sha256, version, versionCode',
    ],
  ])('%s %j → %s %s', async (type, payload, success, message) => {
    const result = await run(type, payload as Record<string, unknown> | null);
    expect(result).toMatchObject({ success, message });
  });

  it('returns the device-owner failures when the agent is not device owner', async () => {
    const env = environment({ deviceOwner: false });
    const messages = await Promise.all(
      [
        ['reboot', null],
        ['clearAppData', { packageName: 'a.b' }],
        ['setTimeZone', { timezone: 'UTC' }],
        ['enableAdb', {}],
        ['enterKiosk', { packageName: 'a.b' }],
        ['updateAgent', { url: 'u', sha256: 's', version: '2.0.0', versionCode: 2 }],
      ].map(
        async ([type, payload]) =>
          (await run(type as string, payload as Record<string, unknown> | null, env)).message,
      ),
    );
    expect(messages).toEqual([
      'Device owner not enabled',
      'Clear app data requires Device Owner and package name',
      'Timezone setting requires Device Owner',
      'ADB control requires Device Owner',
      'Lock task requires Device Owner',
      'Silent install requires Device Owner',
    ]);
  });

  it('reports per-permission grants in insertion order', async () => {
    const permissions = {
      packageName: 'a.b',
      permissions: ['android.permission.CAMERA', 3, 'android.permission.RECORD_AUDIO'],
    };
    const granted = await run('grantPermissions', permissions);
    expect(toGsonJson(granted.data)).toBe(
      '{"android.permission.CAMERA":true,"android.permission.RECORD_AUDIO":true}',
    );
    const refused = await run('grantPermissions', permissions, environment({ deviceOwner: false }));
    expect(refused).toMatchObject({ success: true, message: 'Permissions granted' });
    expect(toGsonJson(refused.data)).toBe(
      '{"android.permission.CAMERA":false,"android.permission.RECORD_AUDIO":false}',
    );
    await expect(run('grantPermissions', { packageName: 'a.b' })).resolves.toMatchObject({
      message: 'Common permissions granted to a.b',
    });
  });

  it('reports getLocation in the agent key order with Java number types', async () => {
    const result = await run('getLocation', null);
    expect(toGsonJson(result.data)).toBe(
      '{"latitude":37.4219983,"longitude":-122.084,"accuracy":12.5,"altitude":5.0,"timestamp":1736937000123}',
    );
    await expect(
      run('getLocation', null, environment({ currentLocation: () => null })),
    ).resolves.toMatchObject({
      success: false,
      message: 'Location not available',
    });
  });

  it('guards agent self-updates with downgrade, minimum-version and hash checks', async () => {
    const sha = 'a172ffc990129fe6f68b50f6037c54a1894ee3fd3e7b5b5e4b7e6fd8f1e5f7c5';
    const base = { url: 'http://x/agent.apk', sha256: sha, version: '2.0.0', versionCode: 2 };
    const downgrade = await run('updateAgent', { ...base, versionCode: 1 });
    expect(toGsonJson(downgrade.data)).toBe(
      '{"error":"DOWNGRADE_BLOCKED","fromVersion":"1.0.0","toVersion":"2.0.0"}',
    );
    expect(downgrade.message).toBe('Refusing to install 2.0.0 over 1.0.0');
    const minimum = await run('updateAgent', { ...base, minPreviousVersion: '1.5.0' });
    expect((minimum.data as { error: string }).error).toBe('MIN_VERSION_NOT_MET');
    const mismatch = await run('updateAgent', base);
    expect((mismatch.data as { error: string }).error).toBe('HASH_MISMATCH');
    const apk = Buffer.from('agent');
    const good = await run(
      'updateAgent',
      { ...base, sha256: createHash('sha256').update(apk).digest('hex') },
      environment({ download: () => Promise.resolve(apk) }),
    );
    expect(good).toMatchObject({ success: true, message: 'Agent update initiated: 1.0.0 -> 2.0.0' });
  });

  it('propagates a failed sync so the caller reports /fail', async () => {
    await expect(
      run('sync', null, environment({ sync: () => Promise.reject(new Error('timeout')) })),
    ).rejects.toThrow('timeout');
  });

  it('hands a verified install to the PackageInstaller and reports it pending', async () => {
    const begun: unknown[] = [];
    const env = environment({ beginInstall: (install) => begun.push(install) });
    const result = await run(
      'installApp',
      { packageName: 'a.b', url: 'http://x/a.apk', version: '3', versionCode: 3.0 },
      env,
    );
    expect(result).toEqual({ success: true, message: 'App installation pending for a.b' });
    expect(begun).toEqual([{ commandId: 'c', packageName: 'a.b', version: '3', versionCode: 3 }]);
    const failedDownload = await run(
      'installApp',
      { packageName: 'a.b', url: 'http://x/a.apk' },
      environment({ download: () => Promise.reject(new Error('http://x/a.apk')) }),
    );
    expect(failedDownload).toEqual({ success: false, message: 'http://x/a.apk' });
  });
});
