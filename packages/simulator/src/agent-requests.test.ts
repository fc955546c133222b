import { expect, it } from 'vitest';
import {
  commandErrorJson,
  commandResultJson,
  enrollmentRequestJson,
  heartbeatRequestJson,
  packageEventJson,
  refreshTokenJson,
} from './agent-requests.js';
import type { DeviceIdentity } from './device-profile.js';

const pixel: DeviceIdentity = {
  model: 'Pixel 7',
  manufacturer: 'Google',
  osVersion: '14',
  sdkVersion: 34,
  serialNumber: null,
  imei: null,
  macAddress: null,
  androidId: 'a1b2c3d4e5f60718',
};

it('encodes both §3.5 enrollment bodies byte for byte', () => {
  expect(
    enrollmentRequestJson({
      identity: pixel,
      method: 'manual',
      timestamp: '2025-01-15T10:30:00.123Z',
      signature: 'ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0',
    }),
  ).toBe(
    '{"agentPackage":"com.openmdm.agent","agentVersion":"1.0.0","androidId":"a1b2c3d4e5f60718","manufacturer":"Google","method":"manual","model":"Pixel 7","osVersion":"14","sdkVersion":34,"signature":"ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0","timestamp":"2025-01-15T10:30:00.123Z"}',
  );
  expect(
    enrollmentRequestJson({
      identity: pixel,
      method: 'manual',
      timestamp: '2025-01-15T10:30:00.123Z',
      signature:
        'MEQCIFeGMFxb8OTnOUqheUR4tohXPg3TKawngZnilWQKBPnzAiAycSlb4nWVZGRbx1g0Gq1NcAX95FcR3/KQlLgNJ5Zx9g==',
      publicKey:
        'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERxw+dYxJBChbun5TEY7Q9SSt6wdX0lvS+Oew1236cUzdUg96yoqLkXrMN/Ud6PDJu+OthYOC5wLcJaEtCfeoWA==',
      attestationChallenge: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    }),
  ).toBe(
    '{"agentPackage":"com.openmdm.agent","agentVersion":"1.0.0","androidId":"a1b2c3d4e5f60718","attestationChallenge":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\\u003d","manufacturer":"Google","method":"manual","model":"Pixel 7","osVersion":"14","publicKey":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERxw+dYxJBChbun5TEY7Q9SSt6wdX0lvS+Oew1236cUzdUg96yoqLkXrMN/Ud6PDJu+OthYOC5wLcJaEtCfeoWA\\u003d\\u003d","sdkVersion":34,"signature":"MEQCIFeGMFxb8OTnOUqheUR4tohXPg3TKawngZnilWQKBPnzAiAycSlb4nWVZGRbx1g0Gq1NcAX95FcR3/KQlLgNJ5Zx9g\\u003d\\u003d","timestamp":"2025-01-15T10:30:00.123Z"}',
  );
});

it('includes legacy identifiers when the device reports them', () => {
  const tablet: DeviceIdentity = {
    model: 'SM-T290',
    manufacturer: 'samsung',
    osVersion: '9',
    sdkVersion: 28,
    serialNumber: 'unknown',
    imei: null,
    macAddress: 'AA:BB:CC:DD:EE:FF',
    androidId: '0123456789abcdef',
  };
  expect(enrollmentRequestJson({ identity: tablet, method: 'qr', timestamp: 't', signature: 's' })).toBe(
    '{"agentPackage":"com.openmdm.agent","agentVersion":"1.0.0","androidId":"0123456789abcdef","macAddress":"AA:BB:CC:DD:EE:FF","manufacturer":"samsung","method":"qr","model":"SM-T290","osVersion":"9","sdkVersion":28,"serialNumber":"unknown","signature":"s","timestamp":"t"}',
  );
});

it('encodes the §4.1 heartbeat example byte for byte', () => {
  expect(
    heartbeatRequestJson({
      deviceId: 'dev_123',
      timestamp: '2025-01-15T10:31:00.456Z',
      policyVersion: '3',
      installedApps: [
        { packageName: 'com.android.chrome', version: '120.0.6099.230', versionCode: 609923033 },
        { packageName: 'com.openmdm.agent', version: '1.0.0', versionCode: 1 },
      ],
      telemetry: {
        batteryLevel: 87,
        isCharging: true,
        batteryHealth: 'good',
        storageUsed: 21474836480,
        storageTotal: 53687091200,
        memoryUsed: 2147483648,
        memoryTotal: 3896332288,
        networkType: 'wifi',
        networkName: 'OfficeWiFi',
        ipAddress: '192.168.1.42',
        location: { latitude: 37.4219983, longitude: -122.084, accuracy: 12.5, altitude: 5 },
        isRooted: false,
        isEncrypted: true,
        screenLockEnabled: false,
      },
    }),
  ).toBe(
    '{"agentVersion":"1.0.0","batteryHealth":"good","batteryLevel":87,"deviceId":"dev_123","installedApps":[{"packageName":"com.android.chrome","version":"120.0.6099.230","versionCode":609923033},{"packageName":"com.openmdm.agent","version":"1.0.0","versionCode":1}],"ipAddress":"192.168.1.42","isCharging":true,"isEncrypted":true,"isRooted":false,"location":{"accuracy":12.5,"latitude":37.4219983,"longitude":-122.084},"memoryTotal":3896332288,"memoryUsed":2147483648,"networkName":"OfficeWiFi","networkType":"wifi","policyVersion":"3","screenLockEnabled":false,"storageTotal":53687091200,"storageUsed":21474836480,"timestamp":"2025-01-15T10:31:00.456Z"}',
  );
});

it('omits null heartbeat fields and escapes the unknown SSID', () => {
  const body = heartbeatRequestJson({
    deviceId: 'd',
    timestamp: 't',
    policyVersion: null,
    installedApps: [],
    telemetry: {
      batteryLevel: 5,
      isCharging: false,
      batteryHealth: 'unknown',
      storageUsed: 1,
      storageTotal: 2,
      memoryUsed: 1,
      memoryTotal: 2,
      networkType: 'wifi',
      networkName: '<unknown ssid>',
      ipAddress: null,
      location: null,
      isRooted: false,
      isEncrypted: false,
      screenLockEnabled: true,
    },
  });
  expect(body).toBe(
    '{"agentVersion":"1.0.0","batteryHealth":"unknown","batteryLevel":5,"deviceId":"d","installedApps":[],"isCharging":false,"isEncrypted":false,"isRooted":false,"memoryTotal":2,"memoryUsed":1,"networkName":"\\u003cunknown ssid\\u003e","networkType":"wifi","screenLockEnabled":true,"storageTotal":2,"storageUsed":1,"timestamp":"t"}',
  );
});

it('encodes command results, errors, refresh and events', () => {
  expect(commandResultJson(true, 'Sync completed')).toBe('{"message":"Sync completed","success":true}');
  expect(
    commandResultJson(false, 'x', { error: 'HASH_MISMATCH', fromVersion: '1.0.0', toVersion: null }),
  ).toBe('{"data":{"error":"HASH_MISMATCH","fromVersion":"1.0.0"},"message":"x","success":false}');
  expect(commandErrorJson('Installation aborted')).toBe('{"error":"Installation aborted"}');
  expect(refreshTokenJson('a.b=')).toBe('{"refreshToken":"a.b\\u003d"}');
  expect(
    packageEventJson('app_uninstall', 'com.slack', true, 'Uninstalled successfully', 1736937000123, 't'),
  ).toBe(
    '{"payload":{"packageName":"com.slack","success":true,"message":"Uninstalled successfully","timestamp":1736937000123},"timestamp":"t","type":"app_uninstall"}',
  );
});
