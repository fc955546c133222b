import { z } from 'zod';
import { androidPackageNameSchema, sha256HexSchema } from './common.js';

/*
 * Policy settings are delivered to the agent as `policyUpdate.settings` and read by its PolicySettings
 * class, whose keys are flat. The wire wins: the schema uses the agent's key names, grouped here by topic.
 * Every object is strict, so a misspelt key is rejected with its exact path instead of being ignored.
 */

const packageName = androidPackageNameSchema;
const sha256Hex = sha256HexSchema;
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const wifiSecurityTypes = [
  'OPEN',
  'WEP',
  'WPA',
  'WPA2',
  'WPA3',
  'WPA2_ENTERPRISE',
  'WPA3_ENTERPRISE',
] as const;

export const wifiNetworkSchema = z.strictObject({
  ssid: z.string().min(1).max(32),
  password: z.string().min(1).max(128).optional(),
  securityType: z.enum(wifiSecurityTypes).default('WPA2'),
  hidden: z.boolean().optional(),
  autoConnect: z.boolean().optional(),
  priority: z.number().int().min(0).max(1000).optional(),
});

export const requiredAppSchema = z.strictObject({
  packageName,
  name: z.string().max(200).optional(),
  /** Minimum version name the device must report. */
  version: z.string().max(64).optional(),
  /** APK location the agent downloads (without authentication) when the app is missing or older. */
  url: httpUrl.optional(),
  /** sha256 of the APK, hex. */
  hash: sha256Hex.optional(),
  runAfterInstall: z.boolean().optional(),
  runAtBoot: z.boolean().optional(),
  showIcon: z.boolean().optional(),
  grantPermissions: z.array(z.string().max(256)).max(100).optional(),
  whitelistBattery: z.boolean().optional(),
});

export const fileDeploymentSchema = z.strictObject({
  url: httpUrl,
  path: z.string().min(1).max(1024),
  hash: sha256Hex.optional(),
  overwrite: z.boolean().optional(),
});

/** A maintenance window in minutes after local midnight (0-1439); the agent maps it to the OS update policy. */
export const systemUpdatePolicySchema = z
  .strictObject({
    type: z.enum(['automatic', 'windowed', 'postpone']),
    windowStartMinutes: z.number().int().min(0).max(1439).optional(),
    windowEndMinutes: z.number().int().min(0).max(1439).optional(),
  })
  .refine(
    (v) => v.type !== 'windowed' || (v.windowStartMinutes !== undefined && v.windowEndMinutes !== undefined),
    {
      message: 'a windowed update policy needs windowStartMinutes and windowEndMinutes',
      path: ['windowStartMinutes'],
    },
  );

const kioskSettings = {
  kioskMode: z.boolean().optional(),
  mainApp: packageName.optional(),
  kioskPackages: z.array(packageName).max(200).optional(),
  kioskHome: z.boolean().optional(),
  kioskRecents: z.boolean().optional(),
  kioskNotifications: z.boolean().optional(),
  kioskSystemInfo: z.boolean().optional(),
  kioskGlobalActions: z.boolean().optional(),
  kioskKeyguard: z.boolean().optional(),
  lockStatusBar: z.boolean().optional(),
  immersiveMode: z.boolean().optional(),
};

const hardwareSettings = {
  wifiEnabled: z.boolean().optional(),
  bluetoothEnabled: z.boolean().optional(),
  gpsEnabled: z.boolean().optional(),
  usbEnabled: z.boolean().optional(),
  mobileDataEnabled: z.boolean().optional(),
  nfcEnabled: z.boolean().optional(),
  hardwareEnforcementInterval: z.number().int().min(5).max(86_400).optional(),
};

const screenSettings = {
  screenshotDisabled: z.boolean().optional(),
  screenTimeoutSeconds: z.number().int().min(5).max(86_400).optional(),
  brightnessLevel: z.number().int().min(0).max(255).optional(),
  autoBrightness: z.boolean().optional(),
  keepScreenOn: z.boolean().optional(),
};

const restrictionSettings = {
  /** Raw Android UserManager restriction keys, for anything the named toggles below do not cover. */
  restrictions: z.array(z.string().min(1).max(128)).max(100).optional(),
  disallowInstallApps: z.boolean().optional(),
  disallowUninstallApps: z.boolean().optional(),
  disallowFactoryReset: z.boolean().optional(),
  disallowSafeMode: z.boolean().optional(),
  /** Disables adb / USB debugging. */
  disallowDebugging: z.boolean().optional(),
  disallowConfigWifi: z.boolean().optional(),
  disallowConfigBluetooth: z.boolean().optional(),
  disallowConfigDate: z.boolean().optional(),
  disallowAddUser: z.boolean().optional(),
  disallowRemoveUser: z.boolean().optional(),
  disallowUsbFileTransfer: z.boolean().optional(),
  disallowMountPhysicalMedia: z.boolean().optional(),
  disallowOutgoingCalls: z.boolean().optional(),
  disallowSms: z.boolean().optional(),
  disallowShare: z.boolean().optional(),
  disallowCreateWindows: z.boolean().optional(),
  disallowCamera: z.boolean().optional(),
  /** Location services off (the agent's GPS toggle). */
  disallowLocation: z.boolean().optional(),
};

const passwordSettings = {
  /** DevicePolicyManager password quality constant (e.g. 0x20000 numeric, 0x50000 alphanumeric). */
  passwordQuality: z.number().int().min(0).max(0x60000).optional(),
  passwordMinLength: z.number().int().min(0).max(64).optional(),
  passwordMinLetters: z.number().int().min(0).max(64).optional(),
  passwordMinNumeric: z.number().int().min(0).max(64).optional(),
  passwordMinSymbols: z.number().int().min(0).max(64).optional(),
  passwordMinUpperCase: z.number().int().min(0).max(64).optional(),
  passwordMinLowerCase: z.number().int().min(0).max(64).optional(),
  passwordExpirationDays: z.number().int().min(0).max(3650).optional(),
  passwordHistoryLength: z.number().int().min(0).max(100).optional(),
  maxFailedPasswordAttempts: z.number().int().min(0).max(100).optional(),
};

const appSettings = {
  allowedApps: z.array(packageName).max(500).optional(),
  blockedApps: z.array(packageName).max(500).optional(),
  /** Apps the device must have, with the minimum version and where to get the APK. */
  installedApps: z.array(requiredAppSchema).max(200).optional(),
  autoGrantPermissions: z.boolean().optional(),
  defaultBrowserPackage: packageName.optional(),
  defaultDialerPackage: packageName.optional(),
  defaultLauncherPackage: packageName.optional(),
};

const complianceSettings = {
  encryptionRequired: z.boolean().optional(),
  screenLockRequired: z.boolean().optional(),
  minimumOsVersion: z.string().max(32).optional(),
  maximumOsVersion: z.string().max(32).optional(),
  blockedOsVersions: z.array(z.string().max(32)).max(100).optional(),
};

const telemetrySettings = {
  logLevel: z.enum(['VERBOSE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).optional(),
  enableTelemetry: z.boolean().optional(),
  reportInstalledApps: z.boolean().optional(),
  reportLocation: z.boolean().optional(),
  locationInterval: z.number().int().min(30).max(86_400).optional(),
};

export const policySettingsSchema = z.strictObject({
  /** Seconds between heartbeats the agent should aim for (the agent floors polling at 15 s). */
  heartbeatInterval: z.number().int().min(15).max(86_400).optional(),
  ...kioskSettings,
  ...hardwareSettings,
  ...screenSettings,
  ...restrictionSettings,
  ...passwordSettings,
  ...appSettings,
  ...complianceSettings,
  ...telemetrySettings,
  wifiNetworks: z.array(wifiNetworkSchema).max(50).optional(),
  fileDeployments: z.array(fileDeploymentSchema).max(100).optional(),
  systemUpdatePolicy: systemUpdatePolicySchema.optional(),
  /** Escape hatch: free-form settings passed to the agent as `customSettings`. */
  customSettings: z.record(z.string().max(128), z.unknown()).optional(),
});
export type PolicySettings = z.output<typeof policySettingsSchema>;
export type PolicySettingsInput = z.input<typeof policySettingsSchema>;
