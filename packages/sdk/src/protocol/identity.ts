/**
 * Device identity for re-enrolment (spec §12.23). The reference server keys devices by
 * `macAddress || serialNumber || imei || androidId`, which merges every API 26-28 device (they all report
 * `serialNumber: "unknown"`) and misses Android 10+ devices (no MAC, serial or IMEI). Here a pinned key wins,
 * then the strongest identifier the agent really sends, and placeholders never identify anything.
 */
export interface MatchableIdentifiers {
  androidId: string | null;
  imei: string | null;
  serialNumber: string | null;
  macAddress: string | null;
}

const placeholderSerials = new Set(['', 'unknown', '0', 'null', 'none']);
const placeholderMacs = new Set(['', '02:00:00:00:00:00', '00:00:00:00:00:00']);
/** The ANDROID_ID that a batch of Android 2.2 devices shared. */
const placeholderAndroidIds = new Set(['', '9774d56d682e549c']);

/** `AA:BB:CC:DD:EE:FF`, as the agent formats it (uppercase hex). */
export function normaliseMac(mac: string | null | undefined): string | null {
  if (!mac) return null;
  return mac.trim().toUpperCase().replace(/-/g, ':');
}

export function matchableIdentifiers(input: {
  androidId?: string | null;
  imei?: string | null;
  serialNumber?: string | null;
  macAddress?: string | null;
}): MatchableIdentifiers {
  const androidId = input.androidId?.trim() ?? '';
  const imei = input.imei?.trim() ?? '';
  const serial = input.serialNumber?.trim() ?? '';
  const mac = normaliseMac(input.macAddress) ?? '';
  return {
    androidId: placeholderAndroidIds.has(androidId) ? null : androidId,
    imei: imei === '' || /^0+$/.test(imei) ? null : imei,
    serialNumber: placeholderSerials.has(serial.toLowerCase()) ? null : serial,
    macAddress: placeholderMacs.has(mac) ? null : mac,
  };
}

/** The identifiers in the order they identify a device, strongest first. */
export const identifierPriority = ['androidId', 'imei', 'serialNumber', 'macAddress'] as const;
