import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { SignJWT } from 'jose';
import { hmacCanonicalMessage, pinnedKeyCanonicalMessage } from '../src/protocol/canonical.js';
import { DEVICE_TOKEN_TYPE } from '../src/protocol/device-tokens.js';
import { hmacSignature } from '../src/protocol/signatures.js';
import { testSecrets } from '../src/testing/index.js';

/** A fresh device identity (android id) per call, so tests sharing a database never collide. */
let counter = 0;
export function androidId(): string {
  counter++;
  return `${Date.now().toString(16)}${counter.toString(16)}`.slice(-16).padStart(16, '0');
}

export interface DeviceFields {
  model: string;
  manufacturer: string;
  osVersion: string;
  serialNumber?: string;
  imei?: string;
  macAddress?: string;
  androidId?: string;
  method: string;
  timestamp: string;
}

export function deviceFields(overrides: Partial<DeviceFields> = {}): DeviceFields {
  return {
    model: 'Pixel 7',
    manufacturer: 'Google',
    osVersion: '14',
    androidId: androidId(),
    method: 'manual',
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

/** The HMAC enrolment body as the agent builds it (spec §3.4), signed with the test secret. */
export function hmacEnrollment(
  fields: DeviceFields = deviceFields(),
  secret: string = testSecrets.deviceSecret,
) {
  return {
    ...fields,
    agentPackage: 'com.openmdm.agent',
    agentVersion: '1.0.0',
    sdkVersion: 34,
    signature: hmacSignature(hmacCanonicalMessage(fields), secret),
  };
}

export function newDeviceKey(): { publicKey: string; privateKey: KeyObject } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey: pair.privateKey,
  };
}

/** The pinned-key enrolment body (spec §3.3): SHA256withECDSA, DER, over the 11-field form. */
export function pinnedEnrollment(
  challenge: string,
  key: { publicKey: string; privateKey: KeyObject },
  fields: DeviceFields = deviceFields(),
) {
  const message = pinnedKeyCanonicalMessage({ ...fields, publicKey: key.publicKey, challenge });
  return {
    ...fields,
    agentPackage: 'com.openmdm.agent',
    agentVersion: '1.0.0',
    sdkVersion: 34,
    publicKey: key.publicKey,
    attestationChallenge: challenge,
    signature: sign('sha256', Buffer.from(message, 'utf8'), {
      key: key.privateKey,
      dsaEncoding: 'der',
    }).toString('base64'),
  };
}

export function heartbeatBody(overrides: Record<string, unknown> = {}) {
  return {
    agentVersion: '1.0.0',
    batteryHealth: 'good',
    batteryLevel: 87,
    installedApps: [
      { packageName: 'com.android.chrome', version: '120.0.6099.230', versionCode: 609923033 },
      { packageName: 'com.openmdm.agent', version: '1.0.0', versionCode: 1 },
    ],
    isCharging: true,
    isEncrypted: true,
    isRooted: false,
    memoryTotal: 3896332288,
    memoryUsed: 2147483648,
    networkType: 'wifi',
    screenLockEnabled: false,
    storageTotal: 53687091200,
    storageUsed: 21474836480,
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

/** A token signed with the fleet's secret, with the given claims (to forge expiry, audience, algorithm …). */
export function signDeviceToken(
  deviceId: string,
  options: { expiresAt?: number; audience?: string; typ?: string; secret?: string } = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: options.typ ?? DEVICE_TOKEN_TYPE })
    .setIssuer('openmdm')
    .setAudience(options.audience ?? 'openmdm-agent')
    .setSubject(deviceId)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(options.secret ?? testSecrets.deviceTokenSecret));
}
