import type { EnrollmentIdentity } from './canonical.js';
import {
  AGENT_PACKAGE,
  AGENT_VERSION,
  AGENT_VERSION_CODE,
  BUILD_ID_BY_RELEASE,
  CARRIERS,
  CATALOG_APPS,
  DEVICE_MODELS,
  type DeviceModel,
  type FormFactor,
  SDK_BY_RELEASE,
  SITES,
  type VendorFamily,
  WIFI_NETWORKS,
} from './device-catalog.js';
import { Prng } from './prng.js';

/** What `DeviceInfoCollector` reports about the hardware and OS, fixed for a device's life. */
export interface DeviceIdentity extends EnrollmentIdentity {
  sdkVersion: number;
  serialNumber: string | null;
  imei: string | null;
  macAddress: string | null;
  androidId: string;
}

/** One row of `installedApps`: `version` is `versionName ?: "unknown"`, at most 50 characters. */
export interface InstalledApp {
  packageName: string;
  version: string;
  versionCode: number;
}

export interface NetworkState {
  type: 'wifi' | 'cellular' | 'ethernet' | 'unknown';
  /** SSID without quotes, or the carrier name; null when unknown. */
  name: string | null;
  ipAddress: string | null;
}

export interface Position {
  latitude: number;
  longitude: number;
  /** Metres, a Java float. */
  accuracy: number;
  altitude: number;
}

/** A simulated device: identity, inventory and the starting point of its telemetry. */
export interface DeviceProfile {
  identity: DeviceIdentity;
  buildId: string;
  formFactor: FormFactor;
  family: VendorFamily;
  hasTelephony: boolean;
  /** In PackageManager order; the agent's own package is always present. */
  installedApps: InstalledApp[];
  storageTotal: number;
  memoryTotal: number;
  /** Starting values; `DeviceTelemetry` drifts them. */
  batteryLevel: number;
  isCharging: boolean;
  storageUsed: number;
  network: NetworkState;
  /** Last known fix, or null when location is off or not permitted. */
  location: Position | null;
  isRooted: boolean;
  isEncrypted: boolean;
  screenLockEnabled: boolean;
}

export interface DeviceProfileOptions {
  seed?: number;
  /** The device's index in a fleet; profiles for different indexes of one seed differ. */
  index?: number;
  /** Restrict to one `Build.MODEL`. */
  model?: string;
  /** Force a `Build.VERSION.RELEASE` (must be one the model shipped with). */
  release?: string;
  /** Share of devices that report a last known location (default 0.7). */
  locationShare?: number;
}

/** A realistic, reproducible device for `seed`/`index`. */
export function createDeviceProfile(options: DeviceProfileOptions = {}): DeviceProfile {
  const rng = Prng.derive(options.seed ?? 1, options.index ?? 0);
  const candidates = options.model
    ? DEVICE_MODELS.filter((model) => model.model === options.model)
    : DEVICE_MODELS;
  if (candidates.length === 0) throw new RangeError(`unknown model ${options.model}`);
  const model = rng.weighted(candidates.map((value) => ({ weight: value.weight, value })));
  const release = options.release ?? rng.pick(model.releases);
  const sdkVersion = SDK_BY_RELEASE[release];
  if (sdkVersion === undefined || !model.releases.includes(release)) {
    throw new RangeError(`${model.model} does not run Android ${release}`);
  }

  const identity: DeviceIdentity = {
    model: model.model,
    manufacturer: model.manufacturer,
    osVersion: release,
    sdkVersion,
    // API 29+ hides the serial and IMEI from apps; API 26-28 report Build.SERIAL as "unknown".
    serialNumber: sdkVersion >= 29 ? null : 'unknown',
    imei: sdkVersion < 29 && model.hasTelephony ? luhnImei(rng) : null,
    // NetworkInterface(wlan0).hardwareAddress is null for apps from Android 11.
    macAddress: sdkVersion >= 30 ? null : macAddress(rng),
    androidId: rng.hex(16),
  };

  const storageTotal = blockAligned(rng.pick(model.storageGb) * 1e9 * rng.float(0.86, 0.9));
  const memoryTotal = blockAligned(rng.pick(model.ramGb) * 2 ** 30 * rng.float(0.9, 0.95));
  const network = initialNetwork(model, rng);
  const site = rng.pick(SITES);
  const location = rng.chance(options.locationShare ?? 0.7)
    ? {
        latitude: round7(site.latitude + rng.float(-0.02, 0.02)),
        longitude: round7(site.longitude + rng.float(-0.02, 0.02)),
        accuracy: Math.fround(Math.round(rng.float(3, 30) * 10) / 10),
        altitude: Math.round(site.altitude + rng.float(-5, 25)),
      }
    : null;

  return {
    identity,
    buildId: BUILD_ID_BY_RELEASE[release] ?? 'UNKNOWN',
    formFactor: model.formFactor,
    family: model.family,
    hasTelephony: model.hasTelephony,
    installedApps: installedApps(model, release, sdkVersion, rng),
    storageTotal,
    memoryTotal,
    batteryLevel: rng.int(15, 100),
    isCharging: rng.chance(model.formFactor === 'rugged' ? 0.35 : 0.2),
    storageUsed: blockAligned(storageTotal * rng.float(0.25, 0.75)),
    network,
    location,
    isRooted: rng.chance(0.005),
    // Only full-disk encryption reports ENCRYPTION_STATUS_ACTIVE; file-based (API 29+) reports per-user.
    isEncrypted: sdkVersion < 29 && rng.chance(0.8),
    screenLockEnabled: model.formFactor === 'rugged' ? rng.chance(0.3) : rng.chance(0.85),
  };
}

/** The `User-Agent` of `HttpURLConnection` downloads on this device. */
export function dalvikUserAgent(profile: DeviceProfile): string {
  return `Dalvik/2.1.0 (Linux; U; Android ${profile.identity.osVersion}; ${profile.identity.model} Build/${profile.buildId})`;
}

/** `versionName ?: "unknown"`, truncated to 50 characters as the collector does. */
export function reportedVersion(versionName: string | null | undefined): string {
  return (versionName ?? 'unknown').slice(0, 50);
}

function installedApps(model: DeviceModel, release: string, sdk: number, rng: Prng): InstalledApp[] {
  const apps: InstalledApp[] = [];
  for (const app of CATALOG_APPS) {
    if (app.requires === 'telephony' ? !model.hasTelephony : app.requires && app.requires !== model.family)
      continue;
    if (app.share !== undefined && !rng.chance(app.share)) continue;
    apps.push({
      packageName: app.packageName,
      version: reportedVersion(app.version === 'release' ? release : app.version),
      versionCode: app.versionCode === 'sdk' ? sdk : app.versionCode,
    });
  }
  apps.push({ packageName: AGENT_PACKAGE, version: AGENT_VERSION, versionCode: AGENT_VERSION_CODE });
  return rng.shuffle(apps);
}

function initialNetwork(model: DeviceModel, rng: Prng): NetworkState {
  if (model.hasTelephony && rng.chance(0.35)) {
    return {
      type: 'cellular',
      name: rng.pick(CARRIERS),
      ipAddress: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    };
  }
  if (model.formFactor === 'rugged' && rng.chance(0.03)) {
    return { type: 'ethernet', name: null, ipAddress: `172.16.${rng.int(0, 31)}.${rng.int(2, 254)}` };
  }
  return {
    type: 'wifi',
    name: rng.pick(WIFI_NETWORKS),
    ipAddress: `192.168.${rng.int(0, 20)}.${rng.int(2, 254)}`,
  };
}

function macAddress(rng: Prng): string {
  return Array.from({ length: 6 }, () => rng.hex(2).toUpperCase()).join(':');
}

/** A 15-digit IMEI with a valid Luhn check digit. */
function luhnImei(rng: Prng): string {
  let digits = `35${String(rng.int(0, 999_999)).padStart(6, '0')}${String(rng.int(0, 999_999)).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let digit = Number(digits[i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  digits += String((10 - (sum % 10)) % 10);
  return digits;
}

function blockAligned(bytes: number): number {
  return Math.floor(bytes / 4096) * 4096;
}

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
