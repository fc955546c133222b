import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentHeartbeatSchema } from '../domain/telemetry.js';
import { hmacCanonicalMessage, pinnedKeyCanonicalMessage } from './canonical.js';
import { parseHeartbeat } from './heartbeat-body.js';
import {
  hmacSignature,
  importP256PublicKey,
  verifyEcdsaSignature,
  verifyHmacSignature,
} from './signatures.js';
import { enrollmentRequestSchema } from './wire-schemas.js';

// Spec §3.5: worked examples computed against the agent's code. One byte off and real devices cannot enrol.
const pixel = {
  model: 'Pixel 7',
  manufacturer: 'Google',
  osVersion: '14',
  androidId: 'a1b2c3d4e5f60718',
  method: 'manual',
  timestamp: '2025-01-15T10:30:00.123Z',
};
const publicKey =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERxw+dYxJBChbun5TEY7Q9SSt6wdX0lvS+Oew1236cUzdUg96yoqLkXrMN/Ud6PDJu+OthYOC5wLcJaEtCfeoWA==';
const challenge = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const ecdsaSignature =
  'MEQCIFeGMFxb8OTnOUqheUR4tohXPg3TKawngZnilWQKBPnzAiAycSlb4nWVZGRbx1g0Gq1NcAX95FcR3/KQlLgNJ5Zx9g==';

describe('spec §3.5 HMAC vectors', () => {
  it('builds the 9-field string and signs it (Pixel 7)', () => {
    const message = hmacCanonicalMessage(pixel);
    expect(message).toBe('Pixel 7|Google|14||||a1b2c3d4e5f60718|manual|2025-01-15T10:30:00.123Z');
    expect(hmacSignature(message, 'change-me-in-production')).toBe(
      'ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0',
    );
  });

  it('signs the API-28 tablet vector (serial "unknown", uppercase MAC)', () => {
    const message = hmacCanonicalMessage({
      model: 'SM-T290',
      manufacturer: 'samsung',
      osVersion: '9',
      serialNumber: 'unknown',
      imei: null,
      macAddress: 'AA:BB:CC:DD:EE:FF',
      androidId: '0123456789abcdef',
      method: 'qr',
      timestamp: '2025-01-15T10:30:00.123Z',
    });
    expect(message).toBe(
      'SM-T290|samsung|9|unknown||AA:BB:CC:DD:EE:FF|0123456789abcdef|qr|2025-01-15T10:30:00.123Z',
    );
    expect(hmacSignature(message, 'fleet-secret-42')).toBe(
      'eb089e1b61577db0d31d21117b9d6b3d711c87f59c21c7805b6d68ce00bba79a',
    );
  });

  it('verifies in constant time and refuses near misses', () => {
    const message = hmacCanonicalMessage(pixel);
    const good = 'ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0';
    expect(verifyHmacSignature(message, 'change-me-in-production', good)).toBe(true);
    expect(verifyHmacSignature(message, 'change-me-in-production', `${good.slice(0, 63)}1`)).toBe(false);
    expect(verifyHmacSignature(message, 'change-me-in-production', good.slice(0, 62))).toBe(false);
    expect(verifyHmacSignature(message, 'other-secret', good)).toBe(false);
    expect(verifyHmacSignature(`${message} `, 'change-me-in-production', good)).toBe(false);
  });
});

describe('spec §3.5 ECDSA vector', () => {
  it('builds the 11-field string and verifies the given DER signature with the given SPKI key', () => {
    const message = pinnedKeyCanonicalMessage({ ...pixel, publicKey, challenge });
    expect(message).toBe(
      `${publicKey}|Pixel 7|Google|14||||a1b2c3d4e5f60718|manual|2025-01-15T10:30:00.123Z|${challenge}`,
    );
    const key = importP256PublicKey(publicKey);
    expect(key).not.toBeNull();
    expect(verifyEcdsaSignature(message, key!, ecdsaSignature)).toBe(true);
    expect(verifyEcdsaSignature(message.replace('Pixel 7', 'Pixel 8'), key!, ecdsaSignature)).toBe(false);
    expect(verifyEcdsaSignature(message, key!, 'not-base64!')).toBe(false);
  });

  it('refuses keys that are not P-256 SPKI', () => {
    expect(importP256PublicKey('AAAA')).toBeNull();
    expect(importP256PublicKey(publicKey.slice(0, 40))).toBeNull();
    expect(importP256PublicKey('{}')).toBeNull();
  });
});

describe('spec §3.5 request bodies, byte for byte', () => {
  it('parses the exact HMAC body', () => {
    const raw =
      '{"agentPackage":"com.openmdm.agent","agentVersion":"1.0.0","androidId":"a1b2c3d4e5f60718","manufacturer":"Google","method":"manual","model":"Pixel 7","osVersion":"14","sdkVersion":34,"signature":"ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0","timestamp":"2025-01-15T10:30:00.123Z"}';
    const body = enrollmentRequestSchema.parse(JSON.parse(raw));
    expect(hmacSignature(hmacCanonicalMessage(body), 'change-me-in-production')).toBe(body.signature);
  });

  it('parses the exact pinned-key body with Gson \\u003d escapes and verifies it', () => {
    const raw =
      '{"agentPackage":"com.openmdm.agent","agentVersion":"1.0.0","androidId":"a1b2c3d4e5f60718","attestationChallenge":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\\u003d","manufacturer":"Google","method":"manual","model":"Pixel 7","osVersion":"14","publicKey":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERxw+dYxJBChbun5TEY7Q9SSt6wdX0lvS+Oew1236cUzdUg96yoqLkXrMN/Ud6PDJu+OthYOC5wLcJaEtCfeoWA\\u003d\\u003d","sdkVersion":34,"signature":"MEQCIFeGMFxb8OTnOUqheUR4tohXPg3TKawngZnilWQKBPnzAiAycSlb4nWVZGRbx1g0Gq1NcAX95FcR3/KQlLgNJ5Zx9g\\u003d\\u003d","timestamp":"2025-01-15T10:30:00.123Z"}';
    expect(raw).toContain('\\u003d\\u003d');
    const body = enrollmentRequestSchema.parse(JSON.parse(raw));
    expect(body.publicKey).toBe(publicKey);
    expect(body.attestationChallenge).toBe(challenge);
    const message = pinnedKeyCanonicalMessage({
      ...body,
      publicKey: body.publicKey!,
      challenge: body.attestationChallenge!,
    });
    expect(verifyEcdsaSignature(message, importP256PublicKey(body.publicKey!)!, body.signature)).toBe(true);
  });

  it('parses the exact §4.1 heartbeat body', () => {
    const raw =
      '{"agentVersion":"1.0.0","batteryHealth":"good","batteryLevel":87,"deviceId":"dev_123","installedApps":[{"packageName":"com.android.chrome","version":"120.0.6099.230","versionCode":609923033},{"packageName":"com.openmdm.agent","version":"1.0.0","versionCode":1}],"ipAddress":"192.168.1.42","isCharging":true,"isEncrypted":true,"isRooted":false,"location":{"accuracy":12.5,"latitude":37.4219983,"longitude":-122.084},"memoryTotal":3896332288,"memoryUsed":2147483648,"networkName":"OfficeWiFi","networkType":"wifi","policyVersion":"3","screenLockEnabled":false,"storageTotal":53687091200,"storageUsed":21474836480,"timestamp":"2025-01-15T10:31:00.456Z"}';
    const parsed = parseHeartbeat(JSON.parse(raw));
    expect(parsed).toEqual(agentHeartbeatSchema.parse(JSON.parse(raw)));
    expect(parsed.policyVersion).toBe('3');
    expect(parsed.installedApps).toHaveLength(2);
    // "<unknown ssid>" arrives Gson-escaped and parses back to the literal SSID.
    expect(parseHeartbeat(JSON.parse('{"networkName":"\\u003cunknown ssid\\u003e"}')).networkName).toBe(
      '<unknown ssid>',
    );
  });

  it('reads an impossible battery level as unknown (BATTERY_PROPERTY_CAPACITY = Integer.MIN_VALUE)', () => {
    expect(parseHeartbeat({ batteryLevel: -2147483648 }).batteryLevel).toBeUndefined();
  });
});

describe('heartbeat validation fast path', () => {
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  );
  const app = fc.record(
    {
      packageName: fc.oneof(fc.string({ maxLength: 20 }), value),
      version: fc.oneof(fc.string(), value),
      versionCode: fc.oneof(fc.nat(), value),
    },
    { requiredKeys: [] },
  );
  const body = fc.record(
    {
      batteryLevel: fc.oneof(fc.integer({ min: -5, max: 105 }), value),
      isCharging: value,
      memoryTotal: fc.oneof(fc.nat(), value),
      networkType: value,
      location: fc.oneof(
        value,
        fc.record({ latitude: fc.double(), longitude: fc.double(), accuracy: value }, { requiredKeys: [] }),
      ),
      installedApps: fc.oneof(value, fc.array(app, { maxLength: 3 })),
      runningApps: fc.oneof(value, fc.array(fc.oneof(fc.string(), value), { maxLength: 2 })),
      policyVersion: value,
      extra: value,
    },
    { requiredKeys: [] },
  );

  it('accepts exactly what the zod schema accepts, with the same result', () => {
    fc.assert(
      fc.property(body, (input) => {
        const viaZod = agentHeartbeatSchema.safeParse(
          typeof input.batteryLevel === 'number' && !(input.batteryLevel >= 0 && input.batteryLevel <= 100)
            ? { ...input, batteryLevel: undefined }
            : input,
        );
        let ours: unknown;
        try {
          ours = parseHeartbeat(input);
        } catch {
          ours = 'rejected';
        }
        if (viaZod.success) expect(ours).toEqual(viaZod.data);
        else expect(ours).toBe('rejected');
      }),
      { numRuns: 400 },
    );
  });
});
