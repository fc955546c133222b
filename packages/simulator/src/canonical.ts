/**
 * The messages the agent signs at enrollment. Null identifiers are rendered as empty strings so
 * the field count never changes.
 */

export type EnrollmentMethod = 'manual' | 'qr' | 'app-only';

/** The device identifiers that take part in enrollment signatures. */
export interface EnrollmentIdentity {
  model: string;
  manufacturer: string;
  osVersion: string;
  serialNumber?: string | null;
  imei?: string | null;
  macAddress?: string | null;
  androidId?: string | null;
}

/** HMAC path, 9 fields: `model|manufacturer|osVersion|serialNumber|imei|macAddress|androidId|method|timestamp`. */
export function hmacCanonicalMessage(
  identity: EnrollmentIdentity,
  method: string,
  timestamp: string,
): string {
  return [...identityFields(identity), method, timestamp].join('|');
}

/** Pinned-key path, 11 fields: `publicKey|` + the 9 HMAC fields + `|challenge`. */
export function pinnedKeyCanonicalMessage(
  publicKey: string,
  identity: EnrollmentIdentity,
  method: string,
  timestamp: string,
  challenge: string,
): string {
  return [publicKey, ...identityFields(identity), method, timestamp, challenge].join('|');
}

function identityFields(identity: EnrollmentIdentity): string[] {
  return [
    identity.model,
    identity.manufacturer,
    identity.osVersion,
    identity.serialNumber ?? '',
    identity.imei ?? '',
    identity.macAddress ?? '',
    identity.androidId ?? '',
  ];
}
