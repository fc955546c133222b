import { describe, expect, it } from 'vitest';
import { hmacCanonicalMessage, pinnedKeyCanonicalMessage } from './canonical.js';
import { DeviceKeyPair, hmacSha256Hex, verifyDeviceSignature } from './signing.js';

const pixel = { model: 'Pixel 7', manufacturer: 'Google', osVersion: '14', androidId: 'a1b2c3d4e5f60718' };
const timestamp = '2025-01-15T10:30:00.123Z';
const specPublicKey =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERxw+dYxJBChbun5TEY7Q9SSt6wdX0lvS+Oew1236cUzdUg96yoqLkXrMN/Ud6PDJu+OthYOC5wLcJaEtCfeoWA==';
const specChallenge = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

describe('HMAC vectors (§3.5)', () => {
  it('signs the Pixel 7 vector', () => {
    expect(hmacSha256Hex('change-me-in-production', hmacCanonicalMessage(pixel, 'manual', timestamp))).toBe(
      'ab6074c04dc9b99dae59e88c4b80e5b788cf5b25bcbbc54ca9788827e75cfaf0',
    );
  });

  it('signs the API-28 tablet vector', () => {
    expect(
      hmacSha256Hex(
        'fleet-secret-42',
        'SM-T290|samsung|9|unknown||AA:BB:CC:DD:EE:FF|0123456789abcdef|qr|2025-01-15T10:30:00.123Z',
      ),
    ).toBe('eb089e1b61577db0d31d21117b9d6b3d711c87f59c21c7805b6d68ce00bba79a');
  });
});

describe('DeviceKeyPair (§3.5)', () => {
  const key = DeviceKeyPair.fromPrivateScalar('1234567890abcdef'.repeat(4));

  it('exports the spec SPKI for the deterministic test scalar', () => {
    expect(key.publicKeySpkiBase64).toBe(specPublicKey);
    expect(Buffer.from(key.publicKeySpkiBase64, 'base64')).toHaveLength(91);
  });

  it('accepts the spec sample signature', () => {
    const message = pinnedKeyCanonicalMessage(specPublicKey, pixel, 'manual', timestamp, specChallenge);
    expect(message).toBe(
      `${specPublicKey}|Pixel 7|Google|14||||a1b2c3d4e5f60718|manual|2025-01-15T10:30:00.123Z|${specChallenge}`,
    );
    const sample =
      'MEQCIFeGMFxb8OTnOUqheUR4tohXPg3TKawngZnilWQKBPnzAiAycSlb4nWVZGRbx1g0Gq1NcAX95FcR3/KQlLgNJ5Zx9g==';
    expect(verifyDeviceSignature(specPublicKey, message, sample)).toBe(true);
    expect(verifyDeviceSignature(specPublicKey, `${message}x`, sample)).toBe(false);
  });

  it('produces DER signatures (70-72 bytes, SEQUENCE tag) that verify', () => {
    const message = pinnedKeyCanonicalMessage(specPublicKey, pixel, 'manual', timestamp, specChallenge);
    const signature = key.sign(message);
    const der = Buffer.from(signature, 'base64');
    expect(der[0]).toBe(0x30);
    expect(der.length).toBeGreaterThanOrEqual(68);
    expect(der.length).toBeLessThanOrEqual(72);
    expect(verifyDeviceSignature(key.publicKeySpkiBase64, message, signature)).toBe(true);
  });

  it('derives the same key from the same seed and a different one otherwise', () => {
    const a = DeviceKeyPair.fromSeed('fleet:1:7');
    expect(DeviceKeyPair.fromSeed('fleet:1:7').publicKeySpkiBase64).toBe(a.publicKeySpkiBase64);
    expect(DeviceKeyPair.fromSeed('fleet:1:8').publicKeySpkiBase64).not.toBe(a.publicKeySpkiBase64);
    expect(a.publicKeySpkiBase64.startsWith('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE')).toBe(true);
    expect(a.publicKeySpkiBase64).toHaveLength(124);
    expect(DeviceKeyPair.generate().publicKeySpkiBase64).toHaveLength(124);
  });

  it('rejects malformed scalars', () => {
    expect(() => DeviceKeyPair.fromPrivateScalar('00'.repeat(32))).toThrow(RangeError);
    expect(() => DeviceKeyPair.fromPrivateScalar('xyz')).toThrow(RangeError);
  });
});
