/**
 * Static data for realistic simulated devices: models whose manufacturer, Android releases, memory
 * and storage belong together, and an app inventory typical of managed Android fleets.
 */

export type FormFactor = 'phone' | 'tablet' | 'rugged';
export type VendorFamily = 'google' | 'samsung' | 'zebra' | 'honeywell' | 'other';

export interface DeviceModel {
  /** `Build.MANUFACTURER`, with the vendor's own casing (`samsung`, `motorola`). */
  manufacturer: string;
  /** `Build.MODEL`. */
  model: string;
  /** `Build.VERSION.RELEASE` values the model shipped or was updated to. */
  releases: readonly string[];
  ramGb: readonly number[];
  storageGb: readonly number[];
  formFactor: FormFactor;
  hasTelephony: boolean;
  family: VendorFamily;
  /** Relative share in a generated fleet. */
  weight: number;
}

/** `Build.VERSION.RELEASE` → `Build.VERSION.SDK_INT`. */
export const SDK_BY_RELEASE: Readonly<Record<string, number>> = {
  '8.0.0': 26,
  '8.1.0': 27,
  '9': 28,
  '10': 29,
  '11': 30,
  '12': 31,
  '13': 33,
  '14': 34,
  '15': 35,
};

/** A plausible `Build.ID` per release (for the Dalvik user agent of downloads). */
export const BUILD_ID_BY_RELEASE: Readonly<Record<string, string>> = {
  '8.0.0': 'OPR6.170623.013',
  '8.1.0': 'OPM1.171019.026',
  '9': 'PQ3A.190801.002',
  '10': 'QQ3A.200805.001',
  '11': 'RQ3A.211001.001',
  '12': 'SQ3A.220705.004',
  '13': 'TQ3A.230901.001',
  '14': 'UQ1A.240105.004',
  '15': 'AP4A.250105.002',
};

export const DEVICE_MODELS: readonly DeviceModel[] = [
  m('Google', 'Pixel 8', ['14', '15'], [8], [128, 256], 'phone', true, 'google', 6),
  m('Google', 'Pixel 7', ['13', '14', '15'], [8], [128, 256], 'phone', true, 'google', 8),
  m('Google', 'Pixel 6a', ['13', '14'], [6], [128], 'phone', true, 'google', 5),
  m('Google', 'Pixel 4a', ['11', '12', '13'], [6], [128], 'phone', true, 'google', 2),
  m('samsung', 'SM-S911B', ['13', '14'], [8], [128, 256], 'phone', true, 'samsung', 6),
  m('samsung', 'SM-A536B', ['12', '13', '14'], [6, 8], [128], 'phone', true, 'samsung', 8),
  m('samsung', 'SM-A146B', ['13', '14'], [4], [64, 128], 'phone', true, 'samsung', 6),
  m('samsung', 'SM-G991B', ['11', '12', '13', '14'], [8], [128, 256], 'phone', true, 'samsung', 4),
  m('samsung', 'SM-X200', ['11', '12', '13'], [3, 4], [32, 64], 'tablet', false, 'samsung', 5),
  m('samsung', 'SM-T290', ['9', '11'], [2], [32], 'tablet', false, 'samsung', 2),
  m('Zebra Technologies', 'TC52', ['8.1.0', '10', '11'], [4], [32], 'rugged', false, 'zebra', 4),
  m('Zebra Technologies', 'TC21', ['10', '11', '13'], [3], [32], 'rugged', false, 'zebra', 3),
  m('Zebra Technologies', 'TC58', ['11', '13'], [4], [64], 'rugged', true, 'zebra', 2),
  m('Honeywell', 'CT40', ['8.1.0', '9', '10', '11'], [4], [32], 'rugged', false, 'honeywell', 2),
  m('Xiaomi', 'M2101K7AG', ['11', '12', '13'], [4, 6], [64, 128], 'phone', true, 'other', 3),
  m('motorola', 'moto g(30)', ['11', '12'], [4], [128], 'phone', true, 'other', 2),
  m('Lenovo', 'Lenovo TB-X606F', ['9', '10'], [4], [64], 'tablet', false, 'other', 2),
  m('OnePlus', 'CPH2449', ['13', '14'], [8, 16], [128, 256], 'phone', true, 'other', 2),
  m('HMD Global', 'Nokia G20', ['11', '12'], [4], [64, 128], 'phone', true, 'other', 1),
];

function m(
  manufacturer: string,
  model: string,
  releases: string[],
  ramGb: number[],
  storageGb: number[],
  formFactor: FormFactor,
  hasTelephony: boolean,
  family: VendorFamily,
  weight: number,
): DeviceModel {
  return { manufacturer, model, releases, ramGb, storageGb, formFactor, hasTelephony, family, weight };
}

/** An app the catalogue can install. `version: null` is a package without a versionName. */
export interface CatalogApp {
  packageName: string;
  /** `'release'` and `'sdk'` stand for the device's release string and SDK level. */
  version: string | null | 'release';
  versionCode: number | 'sdk';
  /** Only on devices of this family, or with telephony. */
  requires?: VendorFamily | 'telephony';
  /** Share of eligible devices that have it (1 when absent). */
  share?: number;
}

export const AGENT_PACKAGE = 'com.openmdm.agent';
export const AGENT_VERSION = '1.0.0';
export const AGENT_VERSION_CODE = 1;

export const CATALOG_APPS: readonly CatalogApp[] = [
  { packageName: 'android', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.settings', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.systemui', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.shell', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.providers.settings', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.providers.downloads', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.providers.media', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.providers.contacts', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.providers.calendar', version: 'release', versionCode: 'sdk' },
  {
    packageName: 'com.android.providers.telephony',
    version: 'release',
    versionCode: 'sdk',
    requires: 'telephony',
  },
  { packageName: 'com.android.phone', version: 'release', versionCode: 'sdk', requires: 'telephony' },
  { packageName: 'com.android.server.telecom', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.bluetooth', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.nfc', version: 'release', versionCode: 'sdk', share: 0.8 },
  { packageName: 'com.android.printspooler', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.wallpaperbackup', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.keychain', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.certinstaller', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.internal.display.cutout.emulation.corner', version: null, versionCode: 1 },
  { packageName: 'com.android.internal.systemui.navbar.gestural', version: null, versionCode: 1 },
  { packageName: 'com.google.android.gms', version: '24.02.14 (190400-598655727)', versionCode: 240214019 },
  { packageName: 'com.google.android.gsf', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.android.vending', version: '39.5.11-31 [0] [PR] 598437451', versionCode: 83951130 },
  { packageName: 'com.google.android.webview', version: '120.0.6099.230', versionCode: 609923033 },
  { packageName: 'com.android.chrome', version: '120.0.6099.230', versionCode: 609923033 },
  {
    packageName: 'com.google.android.apps.maps',
    version: '11.110.0101',
    versionCode: 1061005337,
    share: 0.9,
  },
  { packageName: 'com.google.android.youtube', version: '19.02.39', versionCode: 1543115200, share: 0.7 },
  { packageName: 'com.google.android.gm', version: '2023.12.31.599440237.Release', versionCode: 64931990 },
  {
    packageName: 'com.google.android.calendar',
    version: '2023.50.0-591324581-release',
    versionCode: 2016845466,
  },
  { packageName: 'com.google.android.contacts', version: '4.23.32.590264386', versionCode: 2342300 },
  {
    packageName: 'com.google.android.dialer',
    version: '120.0.598431002',
    versionCode: 12030000,
    requires: 'telephony',
  },
  {
    packageName: 'com.google.android.apps.messaging',
    version: '20231219_00_RC00.phone_dynamic',
    versionCode: 233011300,
    requires: 'telephony',
  },
  {
    packageName: 'com.google.android.googlequicksearchbox',
    version: '15.1.33.29.arm64',
    versionCode: 301335011,
  },
  {
    packageName: 'com.google.android.inputmethod.latin',
    version: '13.6.08.583749127-release-arm64-v8a',
    versionCode: 132040490,
  },
  {
    packageName: 'com.google.android.tts',
    version: 'googletts.google-speech-apk_20231204.02_p0',
    versionCode: 211,
  },
  { packageName: 'com.google.android.deskclock', version: '7.7 (571469032)', versionCode: 772000066 },
  { packageName: 'com.google.android.calculator', version: '8.4 (543453431)', versionCode: 84000103 },
  {
    packageName: 'com.google.android.apps.nbu.files',
    version: '1.2265.600089712.0-release',
    versionCode: 1502655,
  },
  { packageName: 'com.google.android.documentsui', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.google.android.permissioncontroller', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.google.android.packageinstaller', version: 'release', versionCode: 'sdk' },
  { packageName: 'com.google.android.marvin.talkback', version: '14.1.0.562414034', versionCode: 60143621 },
  {
    packageName: 'com.google.android.apps.nexuslauncher',
    version: 'release',
    versionCode: 'sdk',
    requires: 'google',
  },
  {
    packageName: 'com.google.android.apps.wellbeing',
    version: '2.0.562354920.release',
    versionCode: 220,
    share: 0.8,
  },
  {
    packageName: 'com.sec.android.app.launcher',
    version: '14.0.03.51',
    versionCode: 1400035100,
    requires: 'samsung',
  },
  {
    packageName: 'com.sec.android.app.camera',
    version: '14.0.01.31',
    versionCode: 1400013100,
    requires: 'samsung',
  },
  {
    packageName: 'com.sec.android.app.myfiles',
    version: '14.1.00.193',
    versionCode: 1410019300,
    requires: 'samsung',
  },
  {
    packageName: 'com.samsung.android.knox.containercore',
    version: '1.9.00.9',
    versionCode: 190009,
    requires: 'samsung',
  },
  {
    packageName: 'com.sec.android.app.samsungapps',
    version: '6.6.26.7',
    versionCode: 662607010,
    requires: 'samsung',
  },
  { packageName: 'com.symbol.datawedge', version: '11.4.16', versionCode: 1140016, requires: 'zebra' },
  { packageName: 'com.symbol.mxmf', version: '11.4.0.2', versionCode: 114002, requires: 'zebra' },
  { packageName: 'com.zebra.oemconfig.common', version: '11.4.0.1', versionCode: 114001, requires: 'zebra' },
  { packageName: 'com.zebra.devicediagnostics', version: '2.4.0.10', versionCode: 240010, requires: 'zebra' },
  {
    packageName: 'com.intermec.datacollectionservice',
    version: '7.4.12',
    versionCode: 7412,
    requires: 'honeywell',
  },
  { packageName: 'com.honeywell.launcher', version: '2.0.20', versionCode: 2020, requires: 'honeywell' },
  {
    packageName: 'com.microsoft.teams',
    version: '1416/1.0.0.2023234701',
    versionCode: 2023234701,
    share: 0.6,
  },
  { packageName: 'com.microsoft.office.outlook', version: '4.2349.1', versionCode: 823491, share: 0.5 },
  { packageName: 'com.slack', version: '23.12.10.0', versionCode: 231210000, share: 0.3 },
  {
    packageName: 'com.google.android.apps.authenticator2',
    version: '6.0',
    versionCode: 60000000,
    share: 0.4,
  },
  { packageName: 'com.zoom.videomeetings', version: '5.17.0.18420', versionCode: 177711, share: 0.2 },
  { packageName: 'com.acme.warehouse', version: '3.4.1', versionCode: 341, share: 0.5 },
  { packageName: 'com.acme.pos', version: '2.11.0-rc.3', versionCode: 21103, share: 0.3 },
];

export const WIFI_NETWORKS = [
  'OfficeWiFi',
  'ACME-Corp',
  'Warehouse-5G',
  'Store-Guest',
  'DC-North',
  '<unknown ssid>',
];
export const CARRIERS = [
  'T-Mobile',
  'Verizon',
  'AT&T',
  'Vodafone',
  'Orange F',
  'O2 - DE',
  'EE',
  'Telekom.de',
];

/** Sites the fleet is spread over (latitude, longitude, altitude m). */
export const SITES: readonly { latitude: number; longitude: number; altitude: number }[] = [
  { latitude: 37.4219983, longitude: -122.084, altitude: 5 },
  { latitude: 40.7127753, longitude: -74.0059728, altitude: 10 },
  { latitude: 51.5072178, longitude: -0.1275862, altitude: 11 },
  { latitude: 48.8566969, longitude: 2.3514616, altitude: 35 },
  { latitude: 52.5200066, longitude: 13.404954, altitude: 34 },
  { latitude: 35.6761919, longitude: 139.6503106, altitude: 40 },
];
