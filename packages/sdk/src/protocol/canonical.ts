/**
 * The strings the agent signs at enrolment (spec §3.3, §3.4): fields joined by `|`, a missing identifier
 * rendered as the empty string. One byte of difference here and no real device can enrol.
 */
export interface CanonicalEnrollmentFields {
  model: string;
  manufacturer: string;
  osVersion: string;
  serialNumber?: string | null;
  imei?: string | null;
  macAddress?: string | null;
  androidId?: string | null;
  method: string;
  timestamp: string;
}

/** The 9-field HMAC form: `model|manufacturer|osVersion|serialNumber|imei|macAddress|androidId|method|timestamp`. */
export function hmacCanonicalMessage(f: CanonicalEnrollmentFields): string {
  return [
    f.model,
    f.manufacturer,
    f.osVersion,
    f.serialNumber ?? '',
    f.imei ?? '',
    f.macAddress ?? '',
    f.androidId ?? '',
    f.method,
    f.timestamp,
  ].join('|');
}

/** The 11-field pinned-key form: `publicKey|<the 9 HMAC fields>|challenge`. */
export function pinnedKeyCanonicalMessage(
  f: CanonicalEnrollmentFields & { publicKey: string; challenge: string },
): string {
  return `${f.publicKey}|${hmacCanonicalMessage(f)}|${f.challenge}`;
}
