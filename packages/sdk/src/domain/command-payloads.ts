import { z } from 'zod';
import { sha256HexSchema } from './common.js';

/*
 * One payload schema per command type. Keys are the ones the openmdm-android agent reads (spec §5.3):
 * a key the agent does not read would be silently ignored on the device, so the schemas are strict.
 */

const packageName = z.string().min(1).max(256);
const sha256Hex = sha256HexSchema;
const apkUrl = z.url({ protocol: /^https?$/ }).max(2048);
const empty = z.strictObject({});
const enabled = z.strictObject({ enabled: z.boolean().default(true) });
const forPackage = z.strictObject({ packageName });

const installApp = z.strictObject({
  packageName,
  url: apkUrl,
  /** The agent verifies the download against `sha256` (or `expectedSha256`). */
  sha256: sha256Hex.optional(),
  expectedSha256: sha256Hex.optional(),
  autoGrantPermissions: z.boolean().optional(),
  /** Informational for the admin UI; the agent does not read these. */
  version: z.string().max(64).optional(),
  versionCode: z.number().int().min(0).optional(),
});

export const commandPayloadSchemas = {
  sync: empty,
  reboot: empty,
  shutdown: empty,
  lock: z.strictObject({ message: z.string().max(500).optional() }),
  unlock: empty,
  wipe: z.strictObject({ preserveData: z.boolean().optional() }),
  factoryReset: empty,
  installApp,
  updateApp: installApp,
  uninstallApp: forPackage,
  updateAgent: z.strictObject({
    url: apkUrl,
    sha256: sha256Hex,
    version: z.string().min(1).max(64),
    versionCode: z.number().int().min(1),
    minPreviousVersion: z.string().max(64).optional(),
  }),
  runApp: forPackage,
  clearAppData: forPackage,
  clearAppCache: forPackage,
  grantPermissions: z.strictObject({
    packageName,
    permissions: z.array(z.string().max(256)).max(100).optional(),
  }),
  whitelistBattery: forPackage,
  enterKiosk: z.strictObject({ packageName }),
  exitKiosk: empty,
  shell: z.strictObject({ command: z.string().min(1).max(4096) }),
  setVolume: z.strictObject({
    level: z.number().int().min(0).max(100),
    streamType: z.enum(['music', 'ring', 'notification', 'alarm', 'system']).optional(),
  }),
  getLocation: empty,
  screenshot: empty,
  setTimeZone: z.strictObject({ timezone: z.string().min(1).max(64) }),
  enableAdb: enabled,
  setWifi: enabled,
  configureWifi: z.strictObject({
    ssid: z.string().min(1).max(32),
    password: z.string().max(128).optional(),
    securityType: z.enum(['OPEN', 'NONE', 'WEP', 'WPA', 'WPA2', 'WPA3']).optional(),
    hidden: z.boolean().optional(),
  }),
  setBluetooth: enabled,
  setGps: enabled,
  setLocation: enabled,
  setUsb: enabled,
  setScreenshot: z.strictObject({ disabled: z.boolean().default(true) }),
  setBrightness: z.strictObject({ level: z.number().int().min(0).max(255) }),
  setScreenTimeout: z.strictObject({ timeoutSeconds: z.number().int().min(5).max(86_400) }),
  setRestriction: z.strictObject({ restriction: z.string().min(1).max(128), enabled: z.boolean() }),
  deployFile: z.strictObject({
    url: apkUrl,
    path: z.string().min(1).max(1024),
    hash: sha256Hex.optional(),
    overwrite: z.boolean().optional(),
  }),
  deleteFile: z.strictObject({ path: z.string().min(1).max(1024) }),
  sendNotification: z.strictObject({
    title: z.string().max(200).optional(),
    body: z.string().max(2000).optional(),
  }),
  setPolicy: z.record(z.string(), z.unknown()),
  custom: z.strictObject({
    customType: z.string().min(1).max(128),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  enablePermissiveMode: empty,
  rollbackApp: forPackage,
  unenroll: empty,
} as const;

export type CommandType = keyof typeof commandPayloadSchemas;
export const commandTypes = Object.keys(commandPayloadSchemas) as CommandType[];
export type CommandPayloads = { [K in CommandType]: z.input<(typeof commandPayloadSchemas)[K]> };

/** Commands the agent executes at once with a single ack (spec §5.2); a wake-up for them is high priority. */
export const criticalCommandTypes: readonly CommandType[] = [
  'wipe',
  'lock',
  'factoryReset',
  'shutdown',
  'reboot',
];

/** Commands that destroy data on the device and need their own permission in admin front ends. */
export const destructiveCommandTypes: readonly CommandType[] = ['wipe', 'factoryReset'];
